// globals/server_modules/log.js
// Copied from the logging guide (shared/seeds/004, section 5.1) as it stands. One change: the guide's
// devFormat printf line is cut off mid-template in the guide and does not parse; it is closed here
// with the obvious `? JSON.stringify(meta) : ''`. The captures run with NODE_ENV=production, so
// devFormat is never used.
var winston = require('winston');
var os = require('os');

var isProd = process.env.NODE_ENV === "production";

// Custom format for production
var prodFormat = winston.format.combine(
  winston.format.timestamp(),
  winston.format.json()
);

// Human-readable format for development
var devFormat = winston.format.combine(
  winston.format.colorize(),
  winston.format.timestamp({ format: 'HH:mm:ss' }),
  winston.format.printf(({ level, message, timestamp, ...meta }) => {
    return `${timestamp} [${level}]: ${message} ${Object.keys(meta).length ? JSON.stringify(meta) : ''}`;
  })
);

var logger = winston.createLogger({
  level: isProd ? 'info' : 'debug',
  format: isProd ? prodFormat : devFormat,
  defaultMeta: {
    service: process.env.DD_SERVICE || 'nodeserver',
    env: process.env.DD_ENV || process.env.NODE_ENV || 'development',
    version: process.env.DD_VERSION || 'unknown',
    hostname: os.hostname()
  },
  transports: [
    new winston.transports.Console()
  ]
});

// HTTP status code to log level mapping
function getLogLevel(statusCode) {
  if (statusCode >= 500) return 'error';
  if (statusCode >= 400) return 'warn';
  if (statusCode >= 300) return 'notice';
  return 'info';
}

// Request context extractor
function extractRequestContext(req) {
  return {
    method: req.method,
    url: req.originalUrl || req.url,
    ip: req.headers['x-forwarded-for'] || req.connection?.remoteAddress,
    userAgent: req.headers['user-agent'],
    referer: req.headers['referrer'],
    userId: req.user?.id,
    sessionId: req.session?.id
  };
}

module.exports = {
  dev: () => logger,
  prod: () => logger,
  getLogLevel,
  extractRequestContext
};
