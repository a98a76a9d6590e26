// middleware/hasValidBrand.js — the guide's route template (7.2) uses middleware.hasValidBrand but
// never shows it; this is written the way the guide writes middleware: the event-logging pattern of
// section 5.3 with an authorization event, then a 403.
var logger = require('../log');

module.exports = function hasValidBrand(req, res, next) {
  if (req.headers['x-brand'] !== 'acme') {
    logger.prod().warn("Brand check failed", {
      url: req.originalUrl,
      evt: {
        tags: ["security"],
        category: "authorization",
        name: "brandDenied",
        outcome: "failure"
      },
      usr: { id: req.user?.id, brand: req.headers['x-brand'] }
    });
    return res.sendStatus(403);
  }
  next();
};
