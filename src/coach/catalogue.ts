/**
 * The server's catalogue of checks (GET /readiness/checks), by id: the sidebar
 * shows a check's one-line rationale once above its first finding in a group,
 * rather than having every row repeat why it matters, and offers no waiver for
 * a live check (the contract's verdict never sees the kernel).
 */
import * as React from 'react';

import { fetchCatalogue } from '../api';
import { CheckInfo } from '../contract';

let catalogue: Promise<Map<string, CheckInfo>> | null = null;

function checks(): Promise<Map<string, CheckInfo>> {
  if (!catalogue) {
    catalogue = fetchCatalogue().then(
      ({ checks }) => new Map(checks.map(check => [check.id, check])),
      reason => {
        // Asked again by the next sidebar that needs it.
        catalogue = null;
        throw reason;
      }
    );
  }
  return catalogue;
}

/**
 * The checks by id; empty until the catalogue arrives (or when it cannot be
 * read: the rows stand without rationales, every finding offers a waiver).
 */
export function useCatalogue(): Map<string, CheckInfo> {
  const [known, setKnown] = React.useState(new Map<string, CheckInfo>());
  React.useEffect(() => {
    let mounted = true;
    checks().then(
      found => mounted && setKnown(found),
      reason =>
        console.error(
          'jupyterlab-readiness: cannot read the check catalogue.',
          reason
        )
    );
    return () => {
      mounted = false;
    };
  }, []);
  return known;
}
