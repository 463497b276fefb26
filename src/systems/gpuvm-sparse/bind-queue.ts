import * as clockMod from '../../sim/clock';
import type { SimClock } from '../../sim/clock';

const { Cause } = clockMod;

/**
 * The sparse-binding queue (docs/systems.md §gpuvm-sparse "Sparse-binding queue"). In Vulkan, sparse binds are
 * queue operations (`vkQueueBindSparse`) on a queue with `VK_QUEUE_SPARSE_BINDING_BIT`, ordered against other
 * queues only by the semaphores of `VkBindSparseInfo` (Vulkan spec, chapter "Sparse Resources", §"Sparse
 * Memory Binding" and "vkQueueBindSparse": "sparse binding operations … are not automatically ordered with
 * respect to other queue operations"; wait/signal semaphores order them). The engine's thread submitting the
 * binds and the queue executing them run beside the frame's rendering; rendering waits (semaphore) only where it
 * needs the binds. A trace marks such binds with `flags=async` on `map`/`unmap` rows; the device's next
 * `kernel_begin` is the semaphore wait.
 *
 * The queue runs its work back to back from its submission time: work submitted at clock time `t` starts at
 * max(t, end of the queue's earlier work). At the wait, the render clock waits until the queue is done: that
 * wait is the exposed stall (charged as `map`); the rest of the queue's work since the previous wait ran in the
 * overlap window and is hidden. One wait = one frame: per-frame bind time, hidden and exposed time are kept.
 */
export class BindQueue {
  private busyUntilNs = 0;
  private frameNs = 0;
  private bindNs = 0;
  private hiddenNs = 0;
  private exposedNs = 0;
  private frames = 0;
  private framesStalled = 0;
  private frameMaxNs = 0;
  private exposedFrameMaxNs = 0;

  constructor(private readonly clock: SimClock) {}

  /** `ns` of bind work (driver CPU time, page-table job, invalidation) submitted to the queue now. */
  add(ns: number): void {
    if (!(ns > 0)) return;
    const start = Math.max(this.busyUntilNs, this.clock.nowNs);
    this.busyUntilNs = start + ns;
    this.frameNs += ns;
  }

  /** The semaphore wait of the next device work: the render clock waits for the queue; returns the stall. */
  wait(): number {
    if (this.frameNs === 0) return 0;
    const exposed = Math.min(this.frameNs, this.clock.waitUntil(this.busyUntilNs, Cause.map));
    this.frames++;
    this.bindNs += this.frameNs;
    this.exposedNs += exposed;
    this.hiddenNs += this.frameNs - exposed;
    if (exposed > 0) this.framesStalled++;
    if (this.frameNs > this.frameMaxNs) this.frameMaxNs = this.frameNs;
    if (exposed > this.exposedFrameMaxNs) this.exposedFrameMaxNs = exposed;
    this.frameNs = 0;
    return exposed;
  }

  /** Result fields (`extra.*`): totals, per-frame means are total / `bindQueueFrames`, and per-frame maxima. */
  extra(): Record<string, number> {
    return {
      bindQueueFrames: this.frames,
      bindQueueNs: this.bindNs,
      bindHiddenNs: this.hiddenNs,
      bindExposedNs: this.exposedNs,
      bindFramesStalled: this.framesStalled,
      bindFrameMaxNs: this.frameMaxNs,
      bindExposedFrameMaxNs: this.exposedFrameMaxNs,
    };
  }
}
