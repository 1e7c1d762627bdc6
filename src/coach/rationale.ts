/**
 * Each check's one-line rationale, from the server's catalogue
 * (GET /readiness/checks): the sidebar shows it once above a check's first
 * finding in a group, rather than having every row repeat why it matters.
 */
import * as React from 'react';

import { fetchCatalogue } from '../api';

let catalogue: Promise<Map<string, string>> | null = null;

function rationales(): Promise<Map<string, string>> {
  if (!catalogue) {
    catalogue = fetchCatalogue().then(
      ({ checks }) => new Map(checks.map(check => [check.id, check.rationale])),
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
 * The rationales by check id; empty until the catalogue arrives (or when it
 * cannot be read: the rows stand without them).
 */
export function useRationales(): Map<string, string> {
  const [known, setKnown] = React.useState(new Map<string, string>());
  React.useEffect(() => {
    let live = true;
    rationales().then(
      found => live && setKnown(found),
      reason =>
        console.error(
          'jupyterlab-readiness: cannot read the check catalogue.',
          reason
        )
    );
    return () => {
      live = false;
    };
  }, []);
  return known;
}
