import { progress, search, type Challenge, type WorkerReply } from './pow.js';

/**
 * Solves one shield challenge off the main thread, so the page stays responsive and its
 * progress bar moves. Progress goes out at most every 100 ms however fast the batches run.
 */
const reply = (message: WorkerReply) => postMessage(message);

addEventListener('message', (event: MessageEvent<Challenge>) => {
  const { challenge, difficulty } = event.data;
  const steps = search(challenge, difficulty);
  let reported = 0;
  for (;;) {
    const step = steps.next();
    if (step.done) return reply({ solution: `${challenge}.${step.value}` });
    const now = Date.now();
    if (now - reported >= 100) {
      reported = now;
      reply({ progress: progress(step.value, difficulty) });
    }
  }
});
