// middleware/auth.js — the guide's section 8.1, as it stands (only the require paths are relative).
var db = require("../db");
var logger = require('../log');

module.exports = function auth(req, res, next) {
  if (!req.isAuthenticated || !req.isAuthenticated()) {
    logger.prod().warn("Auth failed", {
      url: req.originalUrl,
      ip: req.headers['x-forwarded-for'] || req.ip,
      userAgent: req.headers['user-agent'],
      evt: {
        category: "authentication",
        name: "authFailed",
        outcome: "failure"
      }
    });

    // Log failed auth attempts for security monitoring
    db.insertOne("auth_failures", {
      date: new Date(),
      url: db.safeString(req.url),
      ip: db.safeString(req.headers['x-forwarded-for'] || req.ip),
      userAgent: db.safeString(req.headers['user-agent'])
    }).catch(err => logger.prod().error("Auth logging failed", { error: err }));

    return res.sendStatus(401);
  }

  logger.prod().debug("Auth success", {
    userId: req.user?.id,
    evt: { category: "authentication", outcome: "success" }
  });

  next();
};
