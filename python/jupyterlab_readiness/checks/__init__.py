"""One module per check family; each check is a pure function ``Context -> Iterable[Hit]``."""
