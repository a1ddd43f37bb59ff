#include "net/outbox.hpp"

#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>

#include "net/ws_session.hpp"

namespace juttu::net {

namespace asio = boost::asio;

Outbox::Outbox(asio::execution_context& context) : asio::execution_context::service(context) {}

Outbox::~Outbox() = default;

Outbox& Outbox::of(const asio::any_io_executor& executor) {
    return asio::use_service<Outbox>(asio::query(executor, asio::execution::context));
}

void Outbox::push(const asio::any_io_executor& executor, std::shared_ptr<WsSession> session,
                  Frame frame) {
    bool post = false;
    {
        std::lock_guard lock(mutex_);
        pending_.emplace_back(std::move(session), std::move(frame));
        post = !drain_scheduled_;
        drain_scheduled_ = true;
    }
    // The outbox lives as long as the io_context, and so does every handler queued in it.
    if (post) asio::post(executor, [this] { drain(); });
}

void Outbox::drain() {
    {
        std::lock_guard lock(mutex_);
        draining_.swap(pending_);
        drain_scheduled_ = false;
    }
    // Queue the whole burst first, then start writing: a connection with several frames
    // in it (an ack and the sender's own copy) sends them in one write.
    for (auto& [session, frame] : draining_) session->enqueue(std::move(frame), false);
    for (auto& entry : draining_) entry.first->start_writing();
    draining_.clear();
    // A burst may have grown the buffer far beyond what the loop usually needs.
    if (draining_.capacity() > 4096) std::vector<Entry>().swap(draining_);
}

void Outbox::shutdown() {
    // The loop is gone: drop the frames, and with them the sessions they keep alive.
    std::vector<Entry> dropped;
    {
        std::lock_guard lock(mutex_);
        dropped.swap(pending_);
    }
    draining_.clear();
}

}  // namespace juttu::net
