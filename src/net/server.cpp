#include "net/server.hpp"

#include <pthread.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <future>

#include "net/http_session.hpp"

namespace juttu::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::uint64_t ConnectionRegistry::add(std::weak_ptr<Closable> connection, bool websocket) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    connections_.emplace(id, std::move(connection));
    if (websocket) ++websockets_;
    return id;
}

void ConnectionRegistry::remove(std::uint64_t id, bool websocket) {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (websocket) --websockets_;
}

std::vector<std::shared_ptr<Closable>> ConnectionRegistry::live() const {
    std::vector<std::shared_ptr<Closable>> live;
    std::lock_guard lock(mutex_);
    for (const auto& [id, weak] : connections_) {
        if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    return live;
}

void ConnectionRegistry::quiesce_all() {
    for (const auto& connection : live()) connection->quiesce();
}

void ConnectionRegistry::shutdown_all() {
    for (const auto& connection : live()) connection->shutdown();
}

std::size_t ConnectionRegistry::total() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

std::size_t Server::default_threads() {
    // One core is left to the store's writer thread, busy under load: on two cores one
    // loop used 6–7 % less CPU per message than two (BENCHMARKS.md), with the same
    // latency and connect rate.
    const std::size_t cores = std::thread::hardware_concurrency();
    return cores > 1 ? cores - 1 : 1;
}

Server::Server(ServerOptions options, HttpHandler& http, WsHandlerFactory& ws)
    : options_(std::move(options)), http_(http), ws_(ws) {
    auto threads = options_.threads != 0 ? options_.threads : default_threads();
    for (std::size_t i = 0; i < threads; ++i) {
        loops_.push_back(std::make_unique<asio::io_context>(1));
    }
}

Server::~Server() { stop(); }

std::uint16_t Server::listen() {
    const tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
    acceptor_ = std::make_unique<tcp::acceptor>(*loops_.front());
    acceptor_->open(endpoint.protocol());
    acceptor_->set_option(asio::socket_base::reuse_address(true));
    acceptor_->bind(endpoint);
    acceptor_->listen(asio::socket_base::max_listen_connections);
    return acceptor_->local_endpoint().port();
}

asio::io_context& Server::next_loop() {
    auto& loop = *loops_[next_loop_];
    next_loop_ = (next_loop_ + 1) % loops_.size();
    return loop;
}

void Server::accept_next() {
    acceptor_->async_accept(next_loop(), [this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            std::make_shared<HttpSession>(std::move(socket), options_, registry_, http_, ws_)
                ->run();
        }
        // Errors such as EMFILE end this accept only; keep serving the others.
        accept_next();
    });
}

void Server::start() {
    accept_next();
    for (auto& loop : loops_) {
        threads_.emplace_back([&loop, name = "juttu-loop-" + std::to_string(threads_.size())] {
            pthread_setname_np(pthread_self(), name.c_str());
            auto guard = asio::make_work_guard(*loop);
            loop->run();
        });
    }
}

void Server::quiesce() {
    if (stopped_ || threads_.empty() || quiesced_) return;
    quiesced_ = true;
    asio::post(*loops_.front(), [this] {
        boost::system::error_code ignored;
        acceptor_->close(ignored);
    });
    registry_.quiesce_all();
    // Once every loop has run what was posted to it before now, every session has stopped
    // taking frames: what it took is on the pool or the store's queue, for the caller to
    // finish.
    for (auto& loop : loops_) {
        std::promise<void> passed;
        asio::post(*loop, [&passed] { passed.set_value(); });
        passed.get_future().wait();
    }
}

void Server::stop() {
    if (stopped_ || threads_.empty()) return;
    quiesce();
    stopped_ = true;
    registry_.shutdown_all();
    const auto deadline = std::chrono::steady_clock::now() + options_.shutdown_deadline;
    while (registry_.total() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto& loop : loops_) loop->stop();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
}

}  // namespace juttu::net
