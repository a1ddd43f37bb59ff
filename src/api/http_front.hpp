// Everything HTTP that is not a WebSocket: /api/v1 (RestApi), /healthz, /metrics and
// the static web assets. Requests are answered on the blocking pool, never on an
// event loop, because they may wait for argon2 or the store.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "api/metrics.hpp"
#include "api/rest_api.hpp"
#include "net/server.hpp"
#include "net/static_files.hpp"
#include "store/store.hpp"

namespace juttu::api {

class HttpFront final : public net::HttpHandler {
public:
    HttpFront(RestApi& rest, store::Store& store, Metrics& metrics, net::StaticFiles& files,
              boost::asio::thread_pool& pool);

    void handle(net::Request request, std::function<void(net::Response)> respond) override;
    // Connection gauges come from the server, which is built after this front.
    void set_connections(const net::ConnectionRegistry* connections) { connections_ = connections; }

private:
    net::Response answer(const net::Request& request);
    net::Response health(const net::Request& request);
    net::Response metrics(const net::Request& request);

    RestApi& rest_;
    store::Store& store_;
    Metrics& metrics_;
    net::StaticFiles& files_;
    boost::asio::thread_pool& pool_;
    const net::ConnectionRegistry* connections_ = nullptr;
};

}  // namespace juttu::api
