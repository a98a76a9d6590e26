// A stand-in for the guide's MongoDB wrapper (section 3, not part of the recipe under test): the same
// function names, no database. getCollection fails as a driver does when the server is down.
module.exports = {
  insertOne: async (collection, doc) => ({ acknowledged: true }),
  getCollection: async (collection, pipeline) => {
    const err = new Error('connect ECONNREFUSED 127.0.0.1:27017');
    err.code = 'ECONNREFUSED';
    throw err;
  },
  safeString: (s) => (s == null ? s : String(s).slice(0, 200)),
  cleanupDB: () => {}
};
