// Frames on their way to the WebSockets of one event loop, from any thread.
//
// Posting every frame to its connection's loop costs a queued handler and, when the loop
// sleeps, a wake-up per frame; the store's writer completes a whole committed batch at
// once (an ack and two events per message), so most frames come in bursts. The outbox
// collects them under a mutex and posts one drain per burst: the first frame that finds
// no drain scheduled posts one, the rest ride along.
//
// Order: a frame pushed before some handler X is posted to the loop (e.g. a close) is
// queued on its connection before X runs, because either the drain that will take it
// was already posted, or this push posts it. Frames to one connection keep the order in
// which they were pushed.
//
// One outbox per io_context, created on first use (an Asio service). Thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "net/server.hpp"

namespace juttu::net {

class WsSession;

class Outbox final : public boost::asio::execution_context::service {
public:
    using key_type = Outbox;
    static inline boost::asio::execution_context::id id;

    explicit Outbox(boost::asio::execution_context& context);
    ~Outbox() override;

    // The outbox of the loop that runs `executor`.
    static Outbox& of(const boost::asio::any_io_executor& executor);

    // Queues `frame` for `session`, whose loop runs `executor`.
    void push(const boost::asio::any_io_executor& executor, std::shared_ptr<WsSession> session,
              Frame frame);

private:
    using Entry = std::pair<std::shared_ptr<WsSession>, Frame>;

    void drain();
    void shutdown() override;

    std::mutex mutex_;
    std::vector<Entry> pending_;    // guarded by mutex_
    bool drain_scheduled_ = false;  // guarded by mutex_
    std::vector<Entry> draining_;   // the loop's own: swapped with pending_ by drain()
};

}  // namespace juttu::net
