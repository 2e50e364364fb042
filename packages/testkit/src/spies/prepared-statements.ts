/**
 * @module spies/prepared-statements
 * Records the text of every statement a better-sqlite3 connection prepares from now on — how a test sees whether a
 * store opened a savepoint (the store prepares each savepoint's statements on first use, then keeps them).
 */
export function preparedBy(db: { prepare: (text: string) => unknown }): string[] {
  const texts: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = (text: string) => {
    texts.push(text);
    return prepare(text);
  };
  return texts;
}
