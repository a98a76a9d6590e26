// workers/processOrders.js — the guide's section 6.2, as it stands (require paths relative). The guide
// leaves processOrder out; the one below declines one order so the error path is logged too.
const { workerData, parentPort } = require('worker_threads');
const db = require('../db');
const logger = require('../log');

async function processOrder(orderId) {
  if (orderId === 'o-3') throw new Error(`order ${orderId}: payment declined`);
}

async function processOrders() {
  const { batchId, orderIds } = workerData;

  logger.prod().info("Worker started", { batchId, orderCount: orderIds.length});

  let processed = 0;
  let errors = [];

  for (const orderId of orderIds) {
    try {
      await processOrder(orderId);
      processed++;
    } catch (err) {
      errors.push({ orderId, error: err.message });
      logger.prod().error("Order processing failed", { orderId, error: err.message });
    }
  }

  return { batchId, processed, errors };
}

processOrders()
  .then(result => parentPort.postMessage(result))
  .catch(err => {
    logger.prod().error("Worker crashed", { error: err });
    process.exit(1);
  });
