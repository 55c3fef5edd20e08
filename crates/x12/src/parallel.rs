//! Transaction sets worked on by several threads, results handed back in file order.
//!
//! Transaction sets are independent once the envelope is known: a set's syntax, its loops and its
//! rules depend only on its own segments and its ISA/GS/ST context. [`drive_stream_parallel`] keeps
//! the reading and the envelope checks in the calling thread (they are order-dependent and cheap),
//! copies each complete set into a buffer of its own and gives it to one of `workers` threads;
//! the results come back through `sink` in exactly the order, and interleaved with exactly the
//! envelope findings and group ends, that the one-thread [`drive_stream`] produces.
//!
//! Memory stays bounded by the largest set: at most [`IN_FLIGHT_PER_WORKER`] sets per worker are
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

/// Sets read ahead per worker thread: enough to keep every worker busy while the reader thread
/// waits for the oldest result, few enough that memory follows the largest set.
pub const IN_FLIGHT_PER_WORKER: usize = 2;

/// A buffer that carried a set larger than this is freed after use rather than kept for the next.
const KEEP_BUFFER_BYTES: usize = 4 << 20;

/// The default number of worker threads: the machine's parallelism (1 when unknown).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Where a segment lies in its set's buffer: start, length, file offset, segment number.
type SegmentAt = (usize, usize, u64, u64);

/// One set on its way to a worker: its bytes, and where each segment lies in them.
struct Job {
    ctx: TxContext,
    bytes: Vec<u8>,
    segments: Vec<SegmentAt>,
    delims: Delimiters,
}

struct Done<O> {
    output: O,
    bytes: Vec<u8>,
    segments: Vec<SegmentAt>,
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
    jobs: Vec<SyncSender<Job>>,
    results: Vec<Receiver<Done<O>>>,
    next_worker: usize,
    pending: VecDeque<Pending>,
    in_flight: usize,
    max_in_flight: usize,
    /// Buffers of sets already handed back, for the next sets.
    free: Vec<(Vec<u8>, Vec<SegmentAt>)>,
    segments_read: u64,
    sink: &'s mut F,
    /// A worker stopped (it can only panic): no more sets are dispatched.
    broken: bool,
}

impl<O, F: FnMut(Event<O>)> Dispatch<'_, O, F> {
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
            let Some(rx) = self.results.get(worker) else {
                self.broken = true;
                return;
            };
            let done = if wait {
                match rx.recv() {
                    Ok(d) => d,
                    Err(_) => {
                        self.broken = true;
                        return;
                    }
                }
            } else {
                match rx.try_recv() {
                    Ok(d) => d,
                    Err(std::sync::mpsc::TryRecvError::Empty) => return,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                        self.broken = true;
                        return;
                    }
                }
            };
            self.in_flight -= 1;
            if let Some(Pending::Set(ctx, segments, _)) = self.pending.pop_front() {
                (self.sink)(Event::Set {
                    ctx,
                    segments,
                    output: done.output,
                });
            }
            if done.bytes.capacity() <= KEEP_BUFFER_BYTES {
                self.free.push((done.bytes, done.segments));
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
        if self.broken {
            return;
        }
        // Hand results back as they come, and wait for the oldest when too many are out.
        self.deliver(false);
        while self.in_flight >= self.max_in_flight && !self.broken {
            self.deliver(true);
        }
        let (mut bytes, mut segments) = self.free.pop().unwrap_or_default();
        bytes.clear();
        bytes.extend_from_slice(tx.bytes);
        segments.clear();
        let base = tx.bytes.as_ptr() as usize;
        let mut delims = None;
        for s in tx.segments {
            // Every segment lies inside the set's bytes (TransactionSet's contract).
            let start = (s.raw().as_ptr() as usize).wrapping_sub(base);
            segments.push((start, s.raw().len(), s.offset, s.index));
            delims.get_or_insert(s.delimiters());
        }
        let Some(delims) = delims else {
            return;
        };
        let worker = self.next_worker;
        self.next_worker = (self.next_worker + 1) % self.jobs.len();
        let job = Job {
            ctx: ctx.clone(),
            bytes,
            segments,
            delims,
        };
        let Some(tx_jobs) = self.jobs.get(worker) else {
            self.broken = true;
            return;
        };
        if tx_jobs.send(job).is_err() {
            self.broken = true;
            return;
        }
        self.in_flight += 1;
        self.pending
            .push_back(Pending::Set(ctx.clone(), tx.segments.len(), worker));
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
    jobs: Receiver<Job>,
    results: SyncSender<Done<W::Output>>,
) {
    let mut segs: Vec<Segment<'static>> = Vec::new();
    for job in jobs {
        let mut view: Vec<Segment<'_>> = recycle(std::mem::take(&mut segs));
        view.extend(
            job.segments
                .iter()
                .filter_map(|&(start, len, offset, index)| {
                    let raw = job.bytes.get(start..start.checked_add(len)?)?;
                    Some(Segment::new(raw, job.delims, offset, index))
                }),
        );
        let output = worker.work(
            &job.ctx,
            TransactionSet {
                bytes: &job.bytes,
                segments: &view,
            },
        );
        segs = recycle(view);
        let done = Done {
            output,
            bytes: job.bytes,
            segments: job.segments,
        };
        if results.send(done).is_err() {
            return;
        }
    }
}

/// Streams `reader` like [`drive_stream`], working on the transaction sets with `workers` (one
/// thread each; at least one) and handing every event to `sink` in file order. Returns the reading
/// error that stopped it, if any (also reported as an [`Event::Finding`]), and the number of
/// segments read.
pub fn drive_stream_parallel<R, W, F>(
    reader: &mut StreamReader<R>,
    workers: Vec<W>,
    max_tx_bytes: usize,
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
            let (job_tx, job_rx) = sync_channel::<Job>(per_worker);
            let (done_tx, done_rx) = sync_channel::<Done<W::Output>>(per_worker + 1);
            scope.spawn(move || run_worker(w, job_rx, done_tx));
            jobs.push(job_tx);
            results.push(done_rx);
        }
        let max_in_flight = jobs.len() * per_worker;
        let mut d = Dispatch {
            jobs,
            results,
            next_worker: 0,
            pending: VecDeque::new(),
            in_flight: 0,
            max_in_flight,
            free: Vec::new(),
            segments_read: 0,
            sink: &mut sink,
            broken: false,
        };
        let error = drive_stream(reader, &mut d, max_tx_bytes);
        while !d.pending.is_empty() && !d.broken {
            d.deliver(true);
        }
        // Closing the job channels ends the workers; the scope joins them (and passes on a
        // worker's panic, which only a bug can cause).
        d.jobs.clear();
        (error, d.segments_read)
    })
}
