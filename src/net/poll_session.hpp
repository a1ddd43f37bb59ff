// One session of the HTTP long-poll transport (docs/protocol.md, "The HTTP transport"):
// a WebSocket's stand-in for a client whose WebSockets are blocked. The protocol layer
// sees a WsConnection and a WsHandler as with a socket; frames reach it by POST and
// leave by long polls.
//
// Delivery by cursor. Every frame sent to the client gets the next index of the
// session's stream. A poll says the index it wants next (`ack`): the frames before it
// arrived and are dropped; the ones from it on are answered (again, if a response was
// lost). So a lost poll response is sent again, and none is delivered twice to a client
// that counts. The unacknowledged frames are bounded like a socket's queue (frames and
// bytes): a client that lets them pile up is closed with 1013, as a slow socket is.
//
// Threads: every member is touched only on the session's strand (of the executor given
// to the hub); send(), close(), pause_reading() and resume_reading() may be called from
// any thread and post there. Answers (`PollDone`, `PostDone`) are called on the strand.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "net/frame_queue.hpp"
#include "net/server.hpp"

namespace juttu::net {

struct PollOptions {
    std::chrono::milliseconds poll_wait{25'000};  // how long a poll waits for a frame
    // A session with no poll waiting is closed after this long without a request.
    std::chrono::milliseconds idle_timeout{30'000};
    std::size_t queue_limit = 1024;             // unacknowledged frames
    std::size_t queue_bytes = 8 * 1024 * 1024;  // and their bytes
    std::size_t batch_bytes = 1024 * 1024;      // per poll response (at least one frame)
    std::size_t inbox_limit = 64;               // posted frames not yet handled
    std::size_t frame_bytes = 64 * 1024;        // per client frame, as a socket's
    std::size_t max_sessions = 10'000;
    std::size_t max_sessions_per_address = 20;
};

// What a poll answers: frames from index `cursor` on, and the close once every frame
// before it is in the batch.
struct PollBatch {
    std::uint64_t cursor = 0;
    std::vector<Frame> frames;
    std::optional<std::pair<std::uint16_t, std::string>> close;
};

enum class PollStatus { ok, unknown_session, wrong_peer, bad_cursor, busy, too_many_sessions };

class PollSession final : public WsConnection, public std::enable_shared_from_this<PollSession> {
public:
    using PollDone = std::function<void(PollStatus, PollBatch)>;
    using PostDone = std::function<void(PollStatus)>;

    // `on_gone` is called once, on the strand, when the session ends (closed and
    // delivered, or idle): the hub forgets it.
    PollSession(boost::asio::any_io_executor executor, const PollOptions& options,
                std::function<void()> on_gone);

    // Hands the session to the protocol (as a socket after its handshake); on the strand.
    void start(WsHandlerFactory& factory, Request opening);

    // A long poll: frames from `ack` on, at once if there are any, else when one comes or
    // after poll_wait (an empty batch). A poll that waits is answered empty when the next
    // one comes.
    void poll(std::uint64_t ack, PollDone done);
    // Client frames, handed to the protocol in order; answered once all are handed over
    // (later while the protocol holds reading back).
    void post(std::vector<std::string> frames, PostDone done);
    // The server is stopping: close as a socket is (1001).
    void shutdown();

    void send(Frame frame) override;
    void close(std::uint16_t code, std::string reason) override;
    void pause_reading() override;
    void resume_reading() override;

private:
    void enqueue(Frame frame);
    void begin_close(std::uint16_t code, std::string reason);
    void schedule_flush();
    void answer_waiting();
    PollBatch batch() const;
    void hand_over();
    void arm_idle();
    void end();

    boost::asio::strand<boost::asio::any_io_executor> strand_;
    const PollOptions& options_;
    std::function<void()> on_gone_;
    std::shared_ptr<WsHandler> handler_;
    FrameQueue queue_;
    std::uint64_t base_ = 0;  // the index of queue_.front()
    std::optional<std::pair<std::uint16_t, std::string>> close_;
    PollDone waiting_;
    boost::asio::steady_timer wait_timer_;
    boost::asio::steady_timer idle_timer_;
    std::deque<std::string> inbox_;
    std::uint64_t posted_ = 0;                              // frames posted, ever
    std::uint64_t handed_ = 0;                              // of them handed to the protocol
    std::deque<std::pair<std::uint64_t, PostDone>> posts_;  // answered once handed_ reaches
    std::atomic<bool> paused_{false};
    bool flush_scheduled_ = false;
    bool handler_told_ = false;  // on_closed() called
    bool ended_ = false;
};

}  // namespace juttu::net
