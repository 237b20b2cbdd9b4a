// k8s parity: the Accept parsing kube-apiserver's negotiation uses (github.com/munnerz/goautoneg):
// clauses ordered by q, then specific types before wildcards, otherwise in the order sent.

export interface AcceptClause {
  type: string;
  subtype: string;
  q: number;
  /** Parameters other than q, names lower-cased. */
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): AcceptClause[] {
  const out: AcceptClause[] = [];
  for (const part of (header ?? '').split(',')) {
    const [mt = '', ...rest] = part.split(';');
    const media = mt.trim().toLowerCase();
    if (media === '') continue;
    const slash = media.indexOf('/');
    const type = slash < 0 ? media : media.slice(0, slash);
    const subtype = slash < 0 ? '*' : media.slice(slash + 1);
    const params: Record<string, string> = {};
    let q = 1;
    for (const p of rest) {
      const eq = p.indexOf('=');
      if (eq <= 0) continue;
      const key = p.slice(0, eq).trim().toLowerCase();
      const value = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
      if (key === 'q') {
        const n = Number(value);
        q = Number.isFinite(n) ? n : 1;
      } else {
        params[key] = value;
      }
    }
    out.push({ type, subtype, q, params });
  }
  const rank = (c: AcceptClause) => (c.type === '*' ? 2 : c.subtype === '*' ? 1 : 0);
  // Array.prototype.sort is stable: equal clauses keep the client's order.
  return out.sort((a, b) => b.q - a.q || rank(a) - rank(b));
}

/** Whether a clause accepts `type/subtype` (wildcards included). */
export function clauseMatches(c: AcceptClause, type: string, subtype: string): boolean {
  return (c.type === '*' || c.type === type) && (c.subtype === '*' || c.subtype === subtype);
}
