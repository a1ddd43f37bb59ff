#include "api/http_front.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/json/serialize.hpp>
#include <sstream>

#include "net/security_headers.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::api {

namespace http = boost::beast::http;

namespace {

void histogram(std::ostream& out, const std::string& name, const store::StoreStats& stats) {
    out << "# HELP " << name << " Time to commit one group of store writes.\n";
    out << "# TYPE " << name << " histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < store::StoreStats::bucket_bounds.size(); ++i) {
        cumulative += stats.commit_buckets[i];
        out << name << "_bucket{le=\"" << store::StoreStats::bucket_bounds[i] << "\"} "
            << cumulative << "\n";
    }
    cumulative += stats.commit_buckets.back();
    out << name << "_bucket{le=\"+Inf\"} " << cumulative << "\n";
    out << name << "_sum " << stats.commit_seconds_sum << "\n";
    out << name << "_count " << cumulative << "\n";
}

std::string_view path_of(const net::Request& request) {
    const std::string_view target = request.target();
    return target.substr(0, target.find_first_of("?#"));
}

// The store failed (StoreError) or a bug: answer, keep serving, change nothing. What
// failed goes to the log, not to the client (it may name tables, paths or queries).
template <class Answer>
net::Response guarded(const net::Request& request, Answer&& answer) {
    try {
        return answer();
    } catch (const std::exception& e) {
        spdlog::error("{} {} failed: {}", std::string_view(request.method_string()),
                      path_of(request), e.what());
        return json_response(request, error_reply(http::status::service_unavailable, "unavailable",
                                                  "the server cannot answer now; try again"));
    }
}

// The token is compared by its hash, so that neither its bytes nor its length show in
// the time an answer takes.
bool same_secret(std::string_view given, const std::string& expected_hash) {
    const auto given_hash = services::sha256_hex(given);
    return given_hash.size() == expected_hash.size() &&
           CRYPTO_memcmp(given_hash.data(), expected_hash.data(), given_hash.size()) == 0;
}

// A WebSocket on the metrics listener: closed at once, its frames ignored.
class RefusedSocket final : public net::WsHandler {
public:
    void on_text(std::string) override {}
    void on_closed() override {}
};

void metric(std::ostream& out, std::string_view name, std::string_view type, std::string_view help,
            std::uint64_t value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n"
        << name << " " << value << "\n";
}

}  // namespace

HttpFront::HttpFront(RestApi& rest, store::Store& store, Metrics& metrics, net::StaticFiles& files,
                     boost::asio::thread_pool& pool, const MetricsAccess& metrics_access)
    : rest_(rest),
      store_(store),
      metrics_(metrics),
      files_(files),
      pool_(pool),
      metrics_token_hash_(metrics_access.token.empty()
                              ? std::string()
                              : services::sha256_hex(metrics_access.token)),
      metrics_here_(!metrics_access.own_listener) {}

void HttpFront::handle(net::Request request, std::function<void(net::Response)> respond) {
    metrics_.http_requests.fetch_add(1, std::memory_order_relaxed);
    if (poll_ != nullptr && PollFront::handles(path_of(request))) {
        return poll_->handle(std::move(request), std::move(respond));
    }
    boost::asio::post(pool_, [this, request = std::move(request), respond = std::move(respond)] {
        respond(answer(request));
    });
}

void HttpFront::handle_metrics(net::Request request, std::function<void(net::Response)> respond) {
    metrics_.http_requests.fetch_add(1, std::memory_order_relaxed);
    boost::asio::post(pool_, [this, request = std::move(request), respond = std::move(respond)] {
        respond(metrics_only(request));
    });
}

// Every answer passes here, errors and redirects too, to get its security headers.
net::Response HttpFront::answer(const net::Request& request) {
    const auto path = path_of(request);
    auto response = guarded(request, [&] { return route(request, path); });
    net::add_security_headers(response,
                              net::answer_kind(path, response[http::field::content_type]));
    return response;
}

net::Response HttpFront::metrics_only(const net::Request& request) {
    auto response = guarded(request, [&] {
        if (path_of(request) == "/metrics") return metrics(request);
        return json_response(
            request, error_reply(http::status::not_found, "not_found", "only /metrics here"));
    });
    net::add_security_headers(response, net::AnswerKind::data);
    return response;
}

net::Response HttpFront::route(const net::Request& request, std::string_view path) {
    if (files_api_) {
        if (auto answer = files_api_->serve(request, path)) return std::move(*answer);
    }
    if (path.starts_with("/api/v1/") || path == "/api/v1") {
        return json_response(request, rest_.handle(request));
    }
    if (path == "/healthz") return health(request);
    if (path == "/metrics" && metrics_here_) return metrics(request);
    if (auto file = files_.serve(request)) return std::move(*file);
    return json_response(request,
                         error_reply(http::status::not_found, "not_found", "nothing here"));
}

net::Response HttpFront::health(const net::Request& request) {
    const bool writable = store_.probe_writable();
    Reply reply{writable ? http::status::ok : http::status::service_unavailable,
                boost::json::object{{"status", writable ? "ok" : "store not writable"}}};
    return json_response(request, reply);
}

bool HttpFront::metrics_allowed(const net::Request& request) const {
    if (metrics_token_hash_.empty()) return true;
    const std::string_view header = request[http::field::authorization];
    constexpr std::string_view scheme = "Bearer ";
    return header.starts_with(scheme) &&
           same_secret(header.substr(scheme.size()), metrics_token_hash_);
}

net::Response HttpFront::metrics(const net::Request& request) {
    if (!metrics_allowed(request)) {
        auto refused = json_response(
            request, error_reply(http::status::unauthorized, "unauthorized",
                                 "/metrics needs Authorization: Bearer and the metrics token"));
        refused.set(http::field::www_authenticate, R"(Bearer realm="metrics")");
        return refused;
    }
    const auto stats = store_.stats();
    std::ostringstream out;
    const auto websockets = connections_ ? connections_->websockets() : 0;
    const auto total = connections_ ? connections_->total() : 0;
    metric(out, "juttu_connections", "gauge", "Open WebSocket connections.", websockets);
    metric(out, "juttu_http_connections", "gauge", "Open HTTP connections (not upgraded).",
           total - websockets);
    metric(out, "juttu_slow_consumers_closed_total", "counter",
           "WebSockets closed with 1013 because they did not read their events.",
           connections_ ? connections_->slow_consumers() : 0);
    metric(out, "juttu_messages_total", "counter", "Messages stored.",
           metrics_.messages_stored.load());
    metric(out, "juttu_frames_received_total", "counter", "WebSocket frames received.",
           metrics_.frames_received.load());
    metric(out, "juttu_frames_rejected_total", "counter", "WebSocket frames refused as invalid.",
           metrics_.frames_rejected.load());
    metric(out, "juttu_frames_failed_total", "counter",
           "WebSocket frames answered unavailable because the store failed.",
           metrics_.frames_failed.load());
    metric(out, "juttu_events_published_total", "counter", "Events published to the bus.",
           metrics_.events_published.load());
    metric(out, "juttu_http_requests_total", "counter", "HTTP requests answered.",
           metrics_.http_requests.load());
    metric(out, "juttu_store_queue_depth", "gauge", "Writes waiting for the store writer.",
           stats.queue_depth);
    metric(out, "juttu_store_writes_total", "counter", "Store writes committed.", stats.writes);
    metric(out, "juttu_store_commits_total", "counter", "Store transactions committed.",
           stats.commits);
    histogram(out, "juttu_store_commit_seconds", stats);
    metric(out, "juttu_store_checkpoints_total", "counter",
           "WAL checkpoint rounds run in the background.", stats.checkpoints);
    metric(out, "juttu_store_checkpoint_tails_total", "counter",
           "Checkpoint tails the writer copied so that the WAL could start over.",
           stats.checkpoint_tails);

    net::Response response{http::status::ok, request.version()};
    response.set(http::field::content_type, "text/plain; version=0.0.4");
    response.set(http::field::cache_control, "no-store");
    response.body() = out.str();
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

void MetricsFront::handle(net::Request request, std::function<void(net::Response)> respond) {
    front_.handle_metrics(std::move(request), std::move(respond));
}

std::shared_ptr<net::WsHandler> MetricsFront::make(std::shared_ptr<net::WsConnection> connection,
                                                   const net::Request&) {
    connection->close(1008, "no WebSockets on the metrics listener");
    return std::make_shared<RefusedSocket>();
}

net::Response json_response(const net::Request& request, const Reply& reply) {
    net::Response response{reply.status, request.version()};
    if (!reply.body.is_null()) {
        response.set(http::field::content_type, "application/json");
        response.body() = boost::json::serialize(reply.body);
    }
    response.set(http::field::cache_control, "no-store");
    if (reply.retry_after_s > 0) {
        response.set(http::field::retry_after, std::to_string(reply.retry_after_s));
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
}

}  // namespace juttu::api
