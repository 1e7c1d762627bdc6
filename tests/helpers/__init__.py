"""What the tests share: notebook builders (notebooks.py); the fixtures are in ../conftest.py."""
