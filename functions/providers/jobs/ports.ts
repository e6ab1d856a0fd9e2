/** A queue of delayed jobs: HIS registrations and webhook deliveries (SQS in AWS, files locally). */
export interface JobQueue<T> {
  enqueue(job: T, delaySeconds: number): Promise<void>;
}
