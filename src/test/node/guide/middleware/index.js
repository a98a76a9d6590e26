// what the guide's module_loader("middleware") returns: the middleware by file name
module.exports = {
  auth: require('./auth'),
  hasValidBrand: require('./hasValidBrand'),
  routeLogger: require('./routeLogger')
};
