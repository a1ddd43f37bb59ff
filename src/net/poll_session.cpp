#include "net/poll_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

namespace juttu::net {

namespace asio = boost::asio;

namespace {
constexpr std::uint16_t close_going_away = 1001;
constexpr std::uint16_t close_try_again = 1013;
}  // namespace

PollSession::PollSession(asio::any_io_executor executor, const PollOptions& options,
                         std::function<void()> on_gone)
    : strand_(asio::make_strand(std::move(executor))),
      options_(options),
      on_gone_(std::move(on_gone)),
      wait_timer_(strand_),
      idle_timer_(strand_) {}

void PollSession::start(WsHandlerFactory& factory, Request opening) {
    asio::dispatch(strand_,
                   [self = shared_from_this(), &factory, opening = std::move(opening)]() mutable {
                       self->handler_ = factory.make(self, opening);
                       self->arm_idle();
                   });
}

void PollSession::poll(std::uint64_t ack, PollDone done) {
    asio::dispatch(strand_, [self = shared_from_this(), ack, done = std::move(done)]() mutable {
        if (self->ended_) return done(PollStatus::unknown_session, {});
        const bool in_range = ack >= self->base_ && ack <= self->base_ + self->queue_.size();
        // The client has everything before `ack`.
        while (in_range && self->base_ < ack) {
            self->queue_.pop();
            ++self->base_;
        }
        if (self->close_ && self->queue_.empty()) {
            // Closed with nothing left to deliver (a slow consumer's frames were dropped,
            // so its cursor may be behind): the close, and the session is over.
            auto closing = self->batch();
            closing.cursor = ack;
            if (self->waiting_) std::exchange(self->waiting_, {})(PollStatus::ok, closing);
            done(PollStatus::ok, std::move(closing));
            return self->end();
        }
        if (!in_range) return done(PollStatus::bad_cursor, {});
        self->idle_timer_.cancel();
        // One poll waits at a time: the one before gave up (or its answer was lost).
        if (self->waiting_) std::exchange(self->waiting_, {})(PollStatus::ok, self->batch());
        self->waiting_ = std::move(done);
        if (!self->queue_.empty() || self->close_) return self->answer_waiting();
        self->wait_timer_.expires_after(self->options_.poll_wait);
        self->wait_timer_.async_wait([weak = self->weak_from_this()](boost::system::error_code ec) {
            auto session = weak.lock();
            if (!ec && session) session->answer_waiting();
        });
    });
}

void PollSession::post(std::vector<std::string> frames, PostDone done) {
    asio::dispatch(strand_, [self = shared_from_this(), frames = std::move(frames),
                             done = std::move(done)]() mutable {
        if (self->ended_) return done(PollStatus::unknown_session);
        if (self->inbox_.size() + frames.size() > self->options_.inbox_limit) {
            return done(PollStatus::busy);  // reading is held back: the client sends later
        }
        if (!self->waiting_) self->arm_idle();
        // Frames posted after the close are dropped, as a socket drops them.
        if (self->close_) return done(PollStatus::ok);
        for (auto& frame : frames) self->inbox_.push_back(std::move(frame));
        self->posted_ += frames.size();
        self->posts_.emplace_back(self->posted_, std::move(done));
        self->hand_over();
    });
}

void PollSession::hand_over() {
    while (!inbox_.empty() && !paused_.load(std::memory_order_acquire) && !close_) {
        auto text = std::move(inbox_.front());
        inbox_.pop_front();
        ++handed_;
        if (handler_) handler_->on_text(std::move(text));
    }
    if (close_) {
        handed_ += inbox_.size();
        inbox_.clear();
    }
    while (!posts_.empty() && posts_.front().first <= handed_) {
        auto done = std::move(posts_.front().second);
        posts_.pop_front();
        done(PollStatus::ok);
    }
}

// Posted, never run inline: the protocol may send or close from inside on_text().
void PollSession::send(Frame frame) {
    asio::post(strand_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
        self->enqueue(std::move(frame));
    });
}

void PollSession::enqueue(Frame frame) {
    if (close_ || ended_) return;
    const bool over_bytes =
        !queue_.empty() && queue_.bytes() + frame->size() > options_.queue_bytes;
    if (queue_.size() >= options_.queue_limit || over_bytes) {
        // A slow consumer, as with a socket: it resumes with sync after reconnecting.
        base_ += queue_.size();
        queue_.clear();
        return begin_close(close_try_again, "slow consumer");
    }
    queue_.push(std::move(frame));
    schedule_flush();
}

// The frames queued in one burst (an ack and the events of a commit) leave in one answer.
void PollSession::schedule_flush() {
    if (flush_scheduled_ || !waiting_) return;
    flush_scheduled_ = true;
    asio::post(strand_, [self = shared_from_this()] {
        self->flush_scheduled_ = false;
        self->answer_waiting();
    });
}

void PollSession::answer_waiting() {
    if (!waiting_) return;
    wait_timer_.cancel();
    std::exchange(waiting_, {})(PollStatus::ok, batch());
    arm_idle();
}

PollBatch PollSession::batch() const {
    PollBatch out;
    out.cursor = base_;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < queue_.size(); ++i) {
        const auto& frame = queue_.at(i);
        if (!out.frames.empty() && bytes + frame->size() > options_.batch_bytes) return out;
        bytes += frame->size();
        out.frames.push_back(frame);
    }
    out.close = close_;
    return out;
}

void PollSession::close(std::uint16_t code, std::string reason) {
    asio::post(strand_, [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
        self->begin_close(code, std::move(reason));
    });
}

// The waiting poll gets what is queued and the close; the session ends at once, so that
// no timer of it holds the pool that is about to be joined.
void PollSession::shutdown() {
    asio::post(strand_, [self = shared_from_this()] {
        self->begin_close(close_going_away, "server shutting down");
        self->answer_waiting();
        self->end();
    });
}

void PollSession::begin_close(std::uint16_t code, std::string reason) {
    if (close_ || ended_) return;
    close_.emplace(code, std::move(reason));
    // The protocol is done with this connection, as when a socket's close completes;
    // what it queued before is still delivered, with the close after it.
    if (handler_ && !handler_told_) {
        handler_told_ = true;
        handler_->on_closed();
    }
    hand_over();  // answers the posts still waiting
    if (waiting_) schedule_flush();
}

void PollSession::pause_reading() { paused_.store(true, std::memory_order_release); }

void PollSession::resume_reading() {
    paused_.store(false, std::memory_order_release);
    asio::post(strand_, [self = shared_from_this()] { self->hand_over(); });
}

void PollSession::arm_idle() {
    idle_timer_.expires_after(options_.idle_timeout);
    idle_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        auto session = weak.lock();
        if (ec || !session || session->waiting_) return;
        session->end();  // gone, like a socket whose peer went away
    });
}

void PollSession::end() {
    if (ended_) return;
    ended_ = true;
    wait_timer_.cancel();
    idle_timer_.cancel();
    if (!close_) close_.emplace(close_going_away, "session ended");
    if (handler_ && !handler_told_) {
        handler_told_ = true;
        handler_->on_closed();
    }
    handler_.reset();
    queue_.clear();
    inbox_.clear();
    for (auto& [unused, done] : posts_) done(PollStatus::unknown_session);
    posts_.clear();
    if (waiting_) std::exchange(waiting_, {})(PollStatus::unknown_session, {});
    if (on_gone_) std::exchange(on_gone_, {})();
}

}  // namespace juttu::net
