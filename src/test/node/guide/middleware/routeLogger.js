// middleware/routeLogger.js — the guide's section 8.3, as it stands (only the require path is
// relative). Its bug is kept: for a 3xx, getLogLevel returns 'notice', which winston's default (npm)
// levels lack, so logger.prod()[level] is undefined and the call throws inside res.on('finish').
var logger = require('../log');

module.exports = function routeLogger(req, res, next) {
  const start = process.hrtime.bigint();

  res.on('finish', () => {
    const duration = Number(process.hrtime.bigint() - start) / 1e6;
    const level = logger.getLogLevel(res.statusCode);

    logger.prod()[level]("Request completed", {
      ...logger.extractRequestContext(req),
      statusCode: res.statusCode,
      durationMs: duration.toFixed(2),
      contentType: res.get('Content-Type')
    });
  });

  next();
};
