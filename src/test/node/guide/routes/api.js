// routes/api.js — the guide's route template (7.2) with the guide's own patterns filled in: the
// health and getData routes as written (getData's cut-off catch line closed with `});`), createItem
// logging a 5.3 event, the 5.3 error-logging pattern around a read the permission model denies, a
// read left to Express's default error handler, a worker run (6.1/6.2) and a redirect.
var fs = require('fs');
var path = require('path');
var db = require("../db");
var logger = require('../log');
var runWorker = require('../worker');
var middleware = require("../middleware");

var SECRET = process.env.GUIDE_SECRET_DIR || '/srv/secret';

module.exports = function registerRoutes(app) {

  // Public endpoint
  app.get('/api/health', (req, res) => {
    res.json({ status: 'healthy', timestamp: new Date() });
  });

  // Protected endpoint with auth middleware
  app.post('/api/getData', middleware.auth, async (req, res) => {
    try {
      const { filter, limit = 100 } = req.body;

      const data = await db.getCollection("myCollection", [
        { $match: filter || {} },
        { $limit: limit }
      ]);

      res.json({ success: true, data });
    } catch (err) {
      logger.prod().error("getData failed", { error: err, user: req.user });
      res.status(500).json({ success: false, error: "Internal error" });
    }
  });

  // Endpoint with validation
  app.post('/api/createItem',
    middleware.auth,
    middleware.hasValidBrand,
    async (req, res) => {
      const item = { id: 'i-' + req.body.name, name: req.body.name };
      logger.prod().info("Item created", {
        item,
        evt: {
          tags: ["catalog"],
          category: "catalog",
          name: "itemCreated",
          outcome: "success"
        },
        usr: {
          id: req.user.id,
          email: req.user.email
        }
      });
      res.status(201).json(item);
    }
  );

  // 5.3 "Error logging with stack traces" around a read --permission denies
  app.get('/api/report', middleware.auth, async (req, res) => {
    const orderId = req.query.orderId;
    const userId = req.user.id;
    try {
      res.type('text/csv').send(fs.readFileSync(path.join(SECRET, 'token.txt')));
    } catch (err) {
      logger.prod().error("Operation failed", {
        error: {
          message: err.message,
          stack: err.stack,
          code: err.code
        },
        evt: {
          tags: ["error", "critical"],
          category: "system",
          name: "operationFailed",
          outcome: "failure"
        },
        context: { orderId, userId }
      });
      res.status(500).json({ success: false, error: "Internal error" });
    }
  });

  // the same read with no catch: Express's default error handler prints it on stderr and answers 500
  app.get('/api/export', (req, res) => {
    res.send(fs.readFileSync(path.join(SECRET, 'token.txt')));
  });

  app.post('/api/orders/process', middleware.auth, async (req, res) => {
    const result = await runWorker(path.join(__dirname, '..', 'workers', 'processOrders.js'), {
      batchId: req.body.batchId,
      orderIds: req.body.orderIds
    });
    res.json(result);
  });

  // a moved endpoint: any 3xx makes the guide's routeLogger call logger.notice
  app.get('/api/v1/health', (req, res) => {
    res.redirect(301, '/api/health');
  });
};
