// Every page, named, for a world (world.mjs): what the accessibility test
// and the screenshots visit.
export const pages = (w) => [
  ['home', '/'], ['key', '/key'], ['audit', '/audit'], ['entry', '/audit?entry=1'],
  ['deepfund', `/rounds/${w.deepfund}`], ['qf', `/rounds/${w.pgf}`],
  ['market', `/rounds/${w.market}`], ['notes', `/rounds/${w.notes}`],
  ['note', `/rounds/${w.notes}/notes/1001`], ['pause', `/rounds/${w.pause}`]];
