#include "net/corked_socket.hpp"

#include <boost/asio/write.hpp>

namespace juttu::net {

namespace asio = boost::asio;

void CorkedSocket::complete(Handler handler, boost::system::error_code ec, std::size_t size) {
    // Never from inside the initiating call: Beast's operations expect a later completion.
    asio::post(socket_.get_executor(), [handler = std::move(handler), ec, size]() mutable {
        std::move(handler)(ec, size);
    });
}

char* CorkedSocket::make_room(std::size_t size) {
    const std::size_t offset = pending_.size();
    pending_.resize(offset + size);
    return pending_.data() + offset;
}

void CorkedSocket::accept(Handler handler, std::size_t size) {
    if (error_) {
        pending_.clear();
        return complete(std::move(handler), error_, 0);
    }
    if (pending_.size() + flushing_.size() > max_buffered) {
        // Beast allows one write at a time: at most one is held. (swap, not assignment:
        // any_completion_handler's move assignment recurses in Boost 1.81.)
        held_.swap(handler);
        held_size_ = size;
    } else {
        complete(std::move(handler), {}, size);
    }
    flush();
}

void CorkedSocket::flush() {
    if (writing_) return;
    if (error_) pending_.clear();
    if (pending_.empty()) {
        if (teardown_) finish_teardown();
        return;
    }
    writing_ = true;
    flushing_.swap(pending_);
    asio::async_write(socket_, asio::buffer(flushing_),
                      [this, owner = owner_.lock()](boost::system::error_code ec, std::size_t) {
                          on_flushed(ec);
                      });
}

void CorkedSocket::on_flushed(boost::system::error_code ec) {
    writing_ = false;
    flushing_.clear();
    if (flushing_.capacity() > max_buffered) std::string().swap(flushing_);
    if (ec && !error_) error_ = ec;
    if (error_) pending_.clear();
    if (held_ && (error_ || pending_.size() <= max_buffered)) {
        auto handler = std::move(held_);
        complete(std::move(handler), error_, error_ ? 0 : held_size_);
    }
    if (room_waiter_ && (error_ || has_room())) {
        // Before the flush, so that what the owner appends now leaves with it.
        auto waiter = std::move(room_waiter_);
        room_waiter_ = nullptr;
        waiter();
    }
    flush();
    if (pending_.empty() && !writing_) {
        // An idle connection keeps no write buffers.
        std::string().swap(pending_);
        std::string().swap(flushing_);
    }
}

void CorkedSocket::finish_teardown() {
    auto handler = std::move(teardown_);  // leaves teardown_ empty
    // Wrapped: in Boost 1.81 any_completion_handler's executor cannot be posted to.
    boost::beast::websocket::async_teardown(
        *teardown_role_, socket_,
        [handler = std::move(handler)](boost::system::error_code ec) mutable {
            std::move(handler)(ec);
        });
}

}  // namespace juttu::net
