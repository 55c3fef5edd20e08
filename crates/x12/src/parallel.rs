//! Transaction sets worked on by several threads, results handed back in file order.
//!
//! Transaction sets are independent once the envelope is known: a set's syntax, its loops and its
//! rules depend only on its own segments and its ISA/GS/ST context. [`drive_stream_parallel`] keeps
//! the reading and the envelope checks in the calling thread (they are order-dependent and cheap),
//! copies each complete set out of the read buffer and gives it to one of `workers` threads; the
//! results come back through `sink` in exactly the order, and interleaved with exactly the
//! envelope findings and group ends, that the one-thread [`drive_stream`] produces.
//!
//! Sets go to the workers in batches of about 256 KiB (one thread wake-up per batch, not per set).
//! Memory stays bounded by the largest set: at most [`IN_FLIGHT_PER_WORKER`] batches per worker are
//! read ahead, and a buffer that held an unusually large set is given back, not kept.

use std::collections::VecDeque;
use std::io::Read;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::delim::Delimiters;
use crate::envelope::{Handler, TransactionSet, TxContext, drive_stream, recycle};
use crate::error::ReadError;
use crate::finding::Finding;
use crate::reader::StreamReader;
use crate::segment::Segment;

/// The work done on one transaction set, in a worker thread. A worker keeps its scratch buffers
/// from one set to the next.
pub trait SetWorker: Send {
    type Output: Send;
    fn work(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) -> Self::Output;
}

/// What the parallel driver hands back, in file order.
#[derive(Debug)]
pub enum Event<O> {
    /// An envelope finding (the same ones [`Handler::finding`] receives).
    Finding(Finding),
    /// A functional group ended: its context and GE01.
    GroupEnd(TxContext, usize),
    /// A transaction set was worked on: its context, its number of segments and the worker's output.
    Set {
        ctx: TxContext,
        segments: usize,
        output: O,
    },
}

/// Batches read ahead per worker thread: enough to keep every worker busy while the reader thread
/// waits for the oldest result, few enough that memory follows the largest set.
pub const IN_FLIGHT_PER_WORKER: usize = 2;

/// Sets are handed to a worker in batches of about this many bytes (a set larger than this goes
/// alone): one hand-over per batch instead of one per set keeps thread wake-ups rare (a 100 MB 835
/// holds about 6,000 sets of 17 KB).
pub const DEFAULT_BATCH_BYTES: usize = 256 << 10;

/// A buffer that carried a batch larger than this is freed after use rather than kept for the next.
const KEEP_BUFFER_BYTES: usize = 4 << 20;

/// The default number of worker threads: the machine's parallelism (1 when unknown).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Where a segment lies in its batch's buffer: start, length, file offset, segment number.
type SegmentAt = (usize, usize, u64, u64);

/// One set of a batch: its context, its delimiters, its segments (a range of the batch's
/// segments) and its bytes (a range of the batch's buffer).
struct SetAt {
    ctx: TxContext,
    delims: Delimiters,
    segments: std::ops::Range<usize>,
    bytes: std::ops::Range<usize>,
}

/// Sets on their way to a worker: their bytes one after the other, and where each lies.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    segments: Vec<SegmentAt>,
    sets: Vec<SetAt>,
}

impl Batch {
    fn clear(&mut self) {
        self.bytes.clear();
        self.segments.clear();
        self.sets.clear();
    }
}

/// A worked batch: the outputs in set order, and the buffers back for reuse.
struct Done<O> {
    outputs: Vec<O>,
    batch: Batch,
}

enum Pending {
    Finding(Finding),
    GroupEnd(TxContext, usize),
    /// The set's context and segment count; its output comes from `results[worker]`.
    Set(TxContext, usize, usize),
}

/// The [`Handler`] the one-thread driver feeds: it dispatches sets and keeps everything else in
/// order behind the sets still being worked on.
struct Dispatch<'s, O, F: FnMut(Event<O>)> {
    jobs: Vec<SyncSender<Batch>>,
    results: Vec<Receiver<Done<O>>>,
    /// Outputs received from each worker and not delivered yet, in set order.
    received: Vec<VecDeque<O>>,
    /// The batch being filled, for worker `next_worker`.
    batch: Batch,
    next_worker: usize,
    pending: VecDeque<Pending>,
    /// Batches sent and not yet handed back.
    in_flight: usize,
    max_in_flight: usize,
    /// Buffers of batches already handed back, for the next batches.
    free: Vec<Batch>,
    segments_read: u64,
    sink: &'s mut F,
    /// A worker stopped (it can only panic): no more sets are dispatched.
    broken: bool,
    batch_bytes: usize,
}

impl<O, F: FnMut(Event<O>)> Dispatch<'_, O, F> {
    /// Sends the batch being filled to its worker.
    fn send_batch(&mut self) {
        if self.batch.sets.is_empty() || self.broken {
            return;
        }
        while self.in_flight >= self.max_in_flight && !self.broken {
            self.receive_oldest();
        }
        let next = self.free.pop().unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, next);
        let sent = self
            .jobs
            .get(self.next_worker)
            .is_some_and(|tx| tx.send(batch).is_ok());
        if !sent {
            self.broken = true;
            return;
        }
        self.in_flight += 1;
        self.next_worker = (self.next_worker + 1) % self.jobs.len();
    }

    /// Waits for the batch holding the oldest pending set (batches of one worker come back in
    /// the order they were sent, and workers take batches in turn).
    fn receive_oldest(&mut self) {
        let Some(worker) = self.pending.iter().find_map(|p| match p {
            Pending::Set(_, _, w) => Some(*w),
            _ => None,
        }) else {
            self.broken = true;
            return;
        };
        self.receive(worker, true);
    }

    /// Takes one batch's outputs from `worker`, if one is ready (or waiting for it when `wait`).
    fn receive(&mut self, worker: usize, wait: bool) -> bool {
        let Some(rx) = self.results.get(worker) else {
            self.broken = true;
            return false;
        };
        let done = if wait {
            rx.recv().ok()
        } else {
            match rx.try_recv() {
                Ok(d) => Some(d),
                Err(std::sync::mpsc::TryRecvError::Empty) => return false,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
            }
        };
        let Some(mut done) = done else {
            self.broken = true;
            return false;
        };
        self.in_flight -= 1;
        if let Some(q) = self.received.get_mut(worker) {
            q.extend(done.outputs.drain(..));
        }
        if done.batch.bytes.capacity() <= KEEP_BUFFER_BYTES {
            done.batch.clear();
            self.free.push(done.batch);
        }
        true
    }

    /// Delivers what is at the front of the queue, waiting for set results only when `wait`.
    fn deliver(&mut self, wait: bool) {
        while let Some(front) = self.pending.front() {
            let worker = match front {
                Pending::Set(_, _, w) => *w,
                _ => {
                    match self.pending.pop_front() {
                        Some(Pending::Finding(f)) => (self.sink)(Event::Finding(f)),
                        Some(Pending::GroupEnd(c, n)) => (self.sink)(Event::GroupEnd(c, n)),
                        _ => {}
                    }
                    continue;
                }
            };
            let ready = self.received.get(worker).is_some_and(|q| !q.is_empty());
            if !ready {
                if worker == self.next_worker && !self.batch.sets.is_empty() {
                    // The set is still in the batch being filled.
                    if !wait {
                        return;
                    }
                    self.send_batch();
                }
                if !self.receive(worker, wait) {
                    return;
                }
                continue;
            }
            let output = self.received.get_mut(worker).and_then(VecDeque::pop_front);
            if let (Some(output), Some(Pending::Set(ctx, segments, _))) =
                (output, self.pending.pop_front())
            {
                (self.sink)(Event::Set {
                    ctx,
                    segments,
                    output,
                });
            }
        }
    }

    fn queue(&mut self, p: Pending) {
        if self.pending.is_empty() {
            match p {
                Pending::Finding(f) => (self.sink)(Event::Finding(f)),
                Pending::GroupEnd(c, n) => (self.sink)(Event::GroupEnd(c, n)),
                Pending::Set(..) => self.pending.push_back(p),
            }
        } else {
            self.pending.push_back(p);
        }
    }
}

impl<O, F: FnMut(Event<O>)> Handler for Dispatch<'_, O, F> {
    fn segment(&mut self, _ctx: &TxContext, _seg: &Segment<'_>) {
        self.segments_read += 1;
    }

    fn transaction(&mut self, _ctx: &TxContext, _segments: &[Segment<'_>]) {
        // Never called: the drivers call `transaction_set`, overridden below.
    }

    fn transaction_set(&mut self, ctx: &TxContext, tx: TransactionSet<'_, '_>) {
        let Some(delims) = tx.segments.first().map(Segment::delimiters) else {
            return;
        };
        if self.broken {
            return;
        }
        // Hand back results as they come.
        self.deliver(false);
        if !self.batch.sets.is_empty() && self.batch.bytes.len() + tx.bytes.len() > self.batch_bytes
        {
            self.send_batch();
        }
        let b = &mut self.batch;
        let (byte_start, seg_start) = (b.bytes.len(), b.segments.len());
        b.bytes.extend_from_slice(tx.bytes);
        let base = tx.bytes.as_ptr() as usize;
        for s in tx.segments {
            // Every segment lies inside the set's bytes (TransactionSet's contract).
            let start = (s.raw().as_ptr() as usize).wrapping_sub(base) + byte_start;
            b.segments.push((start, s.raw().len(), s.offset, s.index));
        }
        b.sets.push(SetAt {
            ctx: ctx.clone(),
            delims,
            segments: seg_start..b.segments.len(),
            bytes: byte_start..b.bytes.len(),
        });
        self.pending.push_back(Pending::Set(
            ctx.clone(),
            tx.segments.len(),
            self.next_worker,
        ));
        if self.batch.bytes.len() >= self.batch_bytes {
            self.send_batch();
        }
    }

    fn finding(&mut self, finding: Finding) {
        self.queue(Pending::Finding(finding));
    }

    fn group_end(&mut self, ctx: &TxContext, transactions: usize) {
        self.queue(Pending::GroupEnd(ctx.clone(), transactions));
    }
}

fn run_worker<W: SetWorker>(
    mut worker: W,
    jobs: Receiver<Batch>,
    results: SyncSender<Done<W::Output>>,
) {
    let mut segs: Vec<Segment<'static>> = Vec::new();
    for batch in jobs {
        let mut outputs = Vec::with_capacity(batch.sets.len());
        for set in &batch.sets {
            let mut view: Vec<Segment<'_>> = recycle(std::mem::take(&mut segs));
            let at = batch.segments.get(set.segments.clone()).unwrap_or(&[]);
            view.extend(at.iter().filter_map(|&(start, len, offset, index)| {
                let raw = batch.bytes.get(start..start.checked_add(len)?)?;
                Some(Segment::new(raw, set.delims, offset, index))
            }));
            let bytes = batch.bytes.get(set.bytes.clone()).unwrap_or(&[]);
            outputs.push(worker.work(
                &set.ctx,
                TransactionSet {
                    bytes,
                    segments: &view,
                },
            ));
            segs = recycle(view);
        }
        if results.send(Done { outputs, batch }).is_err() {
            return;
        }
    }
}

/// Streams `reader` like [`drive_stream`], working on the transaction sets with `workers` (one
/// thread each; with none, nothing is read and `(None, 0)` comes back) and handing every event to
/// `sink` in file order. Returns the reading
/// error that stopped it, if any (also reported as an [`Event::Finding`]), and the number of
/// segments read. Sets go to the workers in batches of about [`DEFAULT_BATCH_BYTES`].
pub fn drive_stream_parallel<R, W, F>(
    reader: &mut StreamReader<R>,
    workers: Vec<W>,
    max_tx_bytes: usize,
    sink: F,
) -> (Option<ReadError>, u64)
where
    R: Read,
    W: SetWorker,
    F: FnMut(Event<W::Output>),
{
    drive_stream_batched(reader, workers, max_tx_bytes, DEFAULT_BATCH_BYTES, sink)
}

/// [`drive_stream_parallel`] with sets handed to the workers in batches of about `batch_bytes`
/// (0: each set alone).
pub fn drive_stream_batched<R, W, F>(
    reader: &mut StreamReader<R>,
    workers: Vec<W>,
    max_tx_bytes: usize,
    batch_bytes: usize,
    mut sink: F,
) -> (Option<ReadError>, u64)
where
    R: Read,
    W: SetWorker,
    F: FnMut(Event<W::Output>),
{
    if workers.is_empty() {
        return (None, 0);
    }
    let per_worker = IN_FLIGHT_PER_WORKER;
    std::thread::scope(|scope| {
        let mut jobs = Vec::with_capacity(workers.len());
        let mut results = Vec::with_capacity(workers.len());
        for w in workers {
            let (job_tx, job_rx) = sync_channel::<Batch>(per_worker);
            let (done_tx, done_rx) = sync_channel::<Done<W::Output>>(per_worker + 1);
            scope.spawn(move || run_worker(w, job_rx, done_tx));
            jobs.push(job_tx);
            results.push(done_rx);
        }
        let max_in_flight = jobs.len() * per_worker;
        let mut d = Dispatch {
            received: (0..jobs.len()).map(|_| VecDeque::new()).collect(),
            jobs,
            results,
            batch: Batch::default(),
            next_worker: 0,
            pending: VecDeque::new(),
            in_flight: 0,
            max_in_flight,
            free: Vec::new(),
            segments_read: 0,
            sink: &mut sink,
            broken: false,
            batch_bytes,
        };
        let error = drive_stream(reader, &mut d, max_tx_bytes);
        d.send_batch();
        while !d.pending.is_empty() && !d.broken {
            d.deliver(true);
        }
        // Closing the job channels ends the workers; the scope joins them (and passes on a
        // worker's panic, which only a bug can cause).
        d.jobs.clear();
        (error, d.segments_read)
    })
}
