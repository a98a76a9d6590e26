// globals/server_modules/worker.js — the guide's section 6.1, as it stands (require path relative).
const { Worker } = require('worker_threads');
const logger = require('./log');

function runWorker(file, workerData) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();

    logger.prod().info("Worker spawning", { file });

    const worker = new Worker(file, {
      workerData,
      resourceLimits: {
        maxOldGenerationSizeMb: 512 // Memory limit per worker
      }
    });

    worker.on("message", (msg) => {
      const duration = Number(process.hrtime.bigint() - start) / 1e6;
      logger.prod().info("Worker completed", {
        file,
        durationMs: duration.toFixed(2)
      });
      resolve(msg);
    });

    worker.on("error", (err) => {
      logger.prod().error("Worker error", { file, error: err });
      reject(err);
    });

    worker.on("exit", (code) => {
      if (code !== 0) {
        reject(new Error(`Worker exited with code ${code}`));
      }
    });
  });
}

module.exports = runWorker;
