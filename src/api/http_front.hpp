// Everything HTTP that is not a WebSocket: /api/v1 (RestApi), /healthz, /metrics and
// the static web assets. Requests are answered on the blocking pool, never on an
// event loop, because they may wait for argon2 or the store. Every answer leaves with
// the security headers of its kind (net/security_headers.hpp).
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <string>

#include "api/files_api.hpp"
#include "api/metrics.hpp"
#include "api/poll_front.hpp"
#include "api/rest_api.hpp"
#include "net/server.hpp"
#include "net/static_files.hpp"
#include "store/store.hpp"

namespace juttu::api {

struct MetricsAccess {
    std::string token;          // empty: /metrics answers anyone
    bool own_listener = false;  // true: /metrics is served only by a MetricsFront
};

class HttpFront final : public net::HttpHandler {
public:
    HttpFront(RestApi& rest, store::Store& store, Metrics& metrics, net::StaticFiles& files,
              boost::asio::thread_pool& pool, const MetricsAccess& metrics_access = {});

    void handle(net::Request request, std::function<void(net::Response)> respond) override;
    // Answers /metrics alone (the metrics listener), on the pool as well.
    void handle_metrics(net::Request request, std::function<void(net::Response)> respond);
    // Connection gauges come from the server, which is built after this front.
    void set_connections(const net::ConnectionRegistry* connections) { connections_ = connections; }
    // The HTTP transport's routes (/rt/), answered off the pool: a poll waits for frames.
    void set_poll(PollFront* poll) { poll_ = poll; }
    // Uploads and downloads of attachments (api/files_api.hpp); set before serving.
    void set_files(FilesApi* files) { files_api_ = files; }

private:
    net::Response answer(const net::Request& request);
    net::Response route(const net::Request& request, std::string_view path);
    net::Response metrics_only(const net::Request& request);
    net::Response health(const net::Request& request);
    net::Response metrics(const net::Request& request);
    bool metrics_allowed(const net::Request& request) const;

    RestApi& rest_;
    store::Store& store_;
    Metrics& metrics_;
    net::StaticFiles& files_;
    boost::asio::thread_pool& pool_;
    const net::ConnectionRegistry* connections_ = nullptr;
    PollFront* poll_ = nullptr;
    FilesApi* files_api_ = nullptr;
    std::string metrics_token_hash_;  // SHA-256 hex of the token; empty: no token
    bool metrics_here_;
};

// The listener of --metrics-listen: /metrics (with the same token rule) and nothing else;
// a WebSocket opened to it is closed at once.
class MetricsFront final : public net::HttpHandler, public net::WsHandlerFactory {
public:
    explicit MetricsFront(HttpFront& front) : front_(front) {}

    void handle(net::Request request, std::function<void(net::Response)> respond) override;
    std::shared_ptr<net::WsHandler> make(std::shared_ptr<net::WsConnection> connection,
                                         const net::Request& upgrade) override;

private:
    HttpFront& front_;
};

}  // namespace juttu::api
