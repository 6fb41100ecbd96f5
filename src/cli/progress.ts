/**
 * The progress of a long job that counts what it has done against a total (a backfill, a rebuild), on stderr: a
 * bar when stderr is a terminal; otherwise a line at every 10% (logs of a job run by a scheduler stay short).
 */
import { SingleBar } from 'cli-progress';

export interface CountProgress {
  update(progress: { processed: number }, total: number): void;
  stop(): void;
}

/** `job` names the job in each line (`backfill`), `unit` what it counts (`events`). */
export function countProgress(job: string, unit: string): CountProgress {
  if (process.stderr.isTTY) {
    let bar: SingleBar | null = null;
    return {
      update(p, total) {
        if (!bar) {
          bar = new SingleBar({ stream: process.stderr, hideCursor: true, fps: 5, format: `${job} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}` });
          bar.start(Math.max(total, 1), p.processed);
        }
        bar.setTotal(Math.max(total, 1));
        bar.update(p.processed);
      },
      stop: () => bar?.stop(),
    };
  }
  let lastStep = -1;
  return {
    update(p, total) {
      const step = total > 0 ? Math.floor((Math.min(p.processed, total) / total) * 10) : 10;
      if (step > lastStep) {
        lastStep = step;
        process.stderr.write(`${job}: ${step * 10}%, ${p.processed} of ${total} ${unit}\n`);
      }
    },
    stop: () => undefined,
  };
}
