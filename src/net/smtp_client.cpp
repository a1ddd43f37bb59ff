#include "net/smtp_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "net/smtp_message.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::net {

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using core::ErrorCode;
using core::Result;

// Replies are a few lines; a relay that sends more is broken or hostile.
constexpr std::size_t max_reply_bytes = 64 * 1024;
constexpr std::size_t max_reply_lines = 100;
constexpr std::size_t max_quoted_reply_chars = 300;

// nullopt: the step succeeded.
using Failure = std::optional<core::Error>;

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A server's text, made safe to show on one line of a log or a terminal.
std::string one_line(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, max_quoted_reply_chars)) {
        const auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u == 0x7f ? ' ' : c;
    }
    return out;
}

struct Reply {
    int code = 0;
    std::vector<std::string> lines;  // the text after "250-" / "250 " of each line

    std::string summary() const {
        std::string text = std::to_string(code);
        for (const auto& line : lines) text += " " + line;
        return one_line(text);
    }

    // The parameters of an EHLO keyword ("AUTH" -> "PLAIN LOGIN"), nullopt if not offered.
    // The first line is the server's greeting, not a keyword. Old servers write "AUTH=".
    std::optional<std::string> extension(std::string_view keyword) const {
        for (std::size_t i = 1; i < lines.size(); ++i) {
            const auto& line = lines[i];
            const auto end = std::min(line.find(' '), line.find('='));
            if (lower(line.substr(0, end)) == lower(keyword)) {
                return end == std::string::npos ? std::string() : line.substr(end + 1);
            }
        }
        return std::nullopt;
    }
};

// The error for a reply of the wrong kind: 5xx will not change, anything else might.
core::Error refused(std::string_view what, const Reply& reply) {
    const auto code = reply.code >= 500 ? ErrorCode::validation_failed : ErrorCode::unavailable;
    return core::fail(code, std::string(what) + " refused: " + reply.summary());
}

core::Error protocol_error(std::string_view line) {
    return core::fail(ErrorCode::unavailable, "not an SMTP reply: " + one_line(line));
}

// One TCP (and perhaps TLS) connection, with every operation bounded by the timeout.
class Session {
public:
    explicit Session(const SmtpSettings& settings)
        : settings_(settings),
          resolver_(io_),
          tls_context_(ssl::context::tls_client),
          stream_(io_, tls_context_) {}

    Failure connect();
    Failure handshake();
    Result<Reply> read_reply();
    Failure write(std::string_view data);
    void discard_buffered() { buffer_.clear(); }
    // False after an I/O, TLS or protocol failure: nothing more should be said.
    bool healthy() const { return !failed_; }
    std::string address_literal() const;
    void close();

private:
    using Done = std::function<void(error_code)>;

    error_code run_bounded(const std::function<void(Done)>& start);
    core::Error network_error(std::string_view what, error_code ec);
    Failure configure_tls();
    core::Error handshake_error(error_code ec);
    Result<std::string> read_line();

    // Runs `operation` on whichever layer is current: TCP, or TLS once it is on.
    template <class Operation>
    void on_stream(Operation&& operation) {
        if (secure_) {
            operation(stream_);
        } else {
            operation(stream_.next_layer());
        }
    }

    const SmtpSettings& settings_;
    asio::io_context io_;
    tcp::resolver resolver_;
    tcp::resolver::results_type endpoints_;
    ssl::context tls_context_;
    ssl::stream<tcp::socket> stream_;
    bool secure_ = false;
    bool broken_ = false;  // a timed-out operation may still be pending: io_ must not run
    bool failed_ = false;
    std::string buffer_;
};

// Starts an operation and runs the loop until it completes or the timeout passes. After a
// timeout the session is broken: the aborted handler may still be queued (a resolver
// finishes when getaddrinfo does), and since io_ never runs again it is destroyed with
// io_, never called, so it cannot write to what it captured.
error_code Session::run_bounded(const std::function<void(Done)>& start) {
    if (broken_) return asio::error::not_connected;
    auto outcome = std::make_shared<std::optional<error_code>>();
    start([outcome](error_code ec) { *outcome = ec; });
    io_.restart();
    io_.run_for(settings_.timeout);
    if (*outcome) return **outcome;
    broken_ = true;
    resolver_.cancel();
    close();
    return asio::error::timed_out;
}

core::Error Session::network_error(std::string_view what, error_code ec) {
    failed_ = true;
    const auto reason = ec == asio::error::timed_out
                            ? "timed out after " + std::to_string(settings_.timeout.count()) + " ms"
                            : ec.message();
    return core::fail(ErrorCode::unavailable, std::string(what) + ": " + reason);
}

Failure Session::connect() {
    auto resolver_ec = run_bounded([this](Done done) {
        resolver_.async_resolve(settings_.host, std::to_string(settings_.port),
                                [this, done](error_code ec, tcp::resolver::results_type found) {
                                    endpoints_ = std::move(found);
                                    done(ec);
                                });
    });
    if (resolver_ec) return network_error("cannot resolve " + settings_.host, resolver_ec);
    auto connect_ec = run_bounded([this](Done done) {
        asio::async_connect(stream_.next_layer(), endpoints_,
                            [done](error_code ec, const tcp::endpoint&) { done(ec); });
    });
    if (connect_ec) return network_error("cannot connect", connect_ec);
    return std::nullopt;
}

// Certificate checks are never optional: the trust store (or ca_file), the host name,
// and SNI so that a relay with several names shows the right certificate.
Failure Session::configure_tls() {
    error_code ec;
    tls_context_.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                 ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                 ssl::context::no_tlsv1_1,
                             ec);
    if (settings_.ca_file.empty()) {
        tls_context_.set_default_verify_paths(ec);
    } else {
        tls_context_.load_verify_file(settings_.ca_file.string(), ec);
    }
    if (ec) {
        return core::fail(
            ErrorCode::unavailable,
            "cannot load the CA certificates " + settings_.ca_file.string() + ": " + ec.message());
    }
    stream_.set_verify_mode(ssl::verify_peer);
    stream_.set_verify_callback(ssl::host_name_verification(settings_.host));
    error_code not_ip;
    asio::ip::make_address(settings_.host, not_ip);
    // SNI carries names only (RFC 6066 3).
    if (not_ip && SSL_set_tlsext_host_name(stream_.native_handle(), settings_.host.c_str()) != 1) {
        return core::fail(ErrorCode::unavailable, "cannot set the TLS server name");
    }
    return std::nullopt;
}

core::Error Session::handshake_error(error_code ec) {
    failed_ = true;
    const long verify = SSL_get_verify_result(stream_.native_handle());
    std::string reason = ec.message();
    if (verify != X509_V_OK) {
        reason += " (certificate: " + std::string(X509_verify_cert_error_string(verify)) + ")";
    }
    return core::fail(ErrorCode::unavailable, "TLS handshake failed: " + reason);
}

Failure Session::handshake() {
    if (auto failure = configure_tls()) {
        failed_ = true;
        return failure;
    }
    auto ec = run_bounded([this](Done done) {
        stream_.async_handshake(ssl::stream_base::client, [done](error_code e) { done(e); });
    });
    if (ec == asio::error::timed_out) return network_error("TLS handshake", ec);
    if (ec) return handshake_error(ec);
    secure_ = true;
    return std::nullopt;
}

Result<std::string> Session::read_line() {
    std::size_t length = 0;
    auto ec = run_bounded([this, &length](Done done) {
        on_stream([&](auto& stream) {
            asio::async_read_until(stream, asio::dynamic_buffer(buffer_, max_reply_bytes), '\n',
                                   [&length, done](error_code e, std::size_t n) {
                                       length = n;
                                       done(e);
                                   });
        });
    });
    if (ec == asio::error::not_found) {
        failed_ = true;
        return core::fail(ErrorCode::unavailable, "the server's reply is too long");
    }
    if (ec) return network_error("reading the server's reply", ec);
    std::string line = buffer_.substr(0, length - 1);
    buffer_.erase(0, length);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// Lines "250-..." continue a reply and "250 ..." (or a bare "250") ends it (RFC 5321 4.2.1).
Result<Reply> Session::read_reply() {
    Reply reply;
    for (;;) {
        auto line = read_line();
        if (!line.ok()) return line.error();
        const auto& text = line.value();
        const bool digits =
            text.size() >= 3 && std::all_of(text.begin(), text.begin() + 3,
                                            [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || (text.size() > 3 && text[3] != ' ' && text[3] != '-')) {
            failed_ = true;
            return protocol_error(text);
        }
        const int code = std::stoi(text.substr(0, 3));
        if ((!reply.lines.empty() && code != reply.code) || reply.lines.size() >= max_reply_lines) {
            failed_ = true;
            return protocol_error(text);
        }
        reply.code = code;
        reply.lines.push_back(text.size() > 4 ? text.substr(4) : std::string());
        if (text.size() == 3 || text[3] == ' ') return reply;
    }
}

Failure Session::write(std::string_view data) {
    auto ec = run_bounded([this, data](Done done) {
        on_stream([&](auto& stream) {
            asio::async_write(stream, asio::buffer(data),
                              [done](error_code e, std::size_t) { done(e); });
        });
    });
    if (ec) return network_error("sending to the server", ec);
    return std::nullopt;
}

// The client's name in EHLO as an address literal: always true, unlike a guessed host name.
std::string Session::address_literal() const {
    error_code ec;
    const auto local = stream_.next_layer().local_endpoint(ec);
    if (ec) return "[127.0.0.1]";
    const auto address = local.address();
    return address.is_v4() ? "[" + address.to_string() + "]" : "[IPv6:" + address.to_string() + "]";
}

// No TLS close_notify: after QUIT the relay has what it needs, and waiting for its
// answer could only add a stall.
void Session::close() {
    error_code ignored;
    stream_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close(ignored);
}

// The SMTP dialogue over a Session: greeting, EHLO, STARTTLS, AUTH, one message, QUIT.
class Conversation {
public:
    Conversation(Session& session, const SmtpSettings& settings)
        : session_(session), settings_(settings) {}

    Failure open();
    Failure authenticate();
    Failure transfer(const services::Email& email);
    void quit();

private:
    Result<Reply> ask(std::string_view line, int expected_class, std::string_view what);
    Result<Reply> expect(std::string_view what, int expected_class);
    Failure hello();
    Failure start_tls();
    Failure auth_plain();
    Failure auth_login();

    Session& session_;
    const SmtpSettings& settings_;
    Reply capabilities_;  // the last EHLO reply; empty after HELO
};

// Reads a reply and accepts it when its first digit is `expected_class`.
Result<Reply> Conversation::expect(std::string_view what, int expected_class) {
    auto reply = session_.read_reply();
    if (!reply.ok()) return reply.error();
    if (reply.value().code / 100 != expected_class) return refused(what, reply.value());
    return reply;
}

// `what` names the command in errors, so that AUTH never puts credentials in a log.
Result<Reply> Conversation::ask(std::string_view line, int expected_class, std::string_view what) {
    if (auto failure = session_.write(std::string(line) + "\r\n")) return *failure;
    return expect(what, expected_class);
}

Failure Conversation::open() {
    if (auto failure = session_.connect()) return failure;
    if (settings_.tls == SmtpTls::tls) {
        if (auto failure = session_.handshake()) return failure;
    }
    if (auto greeting = expect("greeting", 2); !greeting.ok()) return greeting.error();
    if (auto failure = hello()) return failure;
    if (settings_.tls == SmtpTls::starttls) return start_tls();
    return std::nullopt;
}

// EHLO, or HELO for a server that does not know EHLO (it answers 5xx).
Failure Conversation::hello() {
    const auto name = session_.address_literal();
    if (auto failure = session_.write("EHLO " + name + "\r\n")) return failure;
    auto reply = session_.read_reply();
    if (!reply.ok()) return reply.error();
    if (reply.value().code / 100 == 2) {
        capabilities_ = reply.value();
        return std::nullopt;
    }
    if (reply.value().code / 100 != 5) return refused("EHLO", reply.value());
    capabilities_ = Reply{};
    auto helo = ask("HELO " + name, 2, "HELO");
    return helo.ok() ? std::nullopt : Failure(helo.error());
}

// Never fall back to plain text: a missing STARTTLS may be an attacker stripping it.
Failure Conversation::start_tls() {
    if (!capabilities_.extension("STARTTLS")) {
        return core::fail(ErrorCode::unavailable,
                          "the server does not offer STARTTLS (smtp-tls is starttls)");
    }
    if (auto reply = ask("STARTTLS", 2, "STARTTLS"); !reply.ok()) return reply.error();
    // Anything the server sent before the handshake could be injected (RFC 3207 6).
    session_.discard_buffered();
    if (auto failure = session_.handshake()) return failure;
    return hello();  // the capabilities may differ under TLS
}

Failure Conversation::authenticate() {
    if (settings_.username.empty()) return std::nullopt;
    const auto offered = " " + lower(capabilities_.extension("AUTH").value_or("")) + " ";
    if (offered.find(" plain ") != std::string::npos) return auth_plain();
    if (offered.find(" login ") != std::string::npos) return auth_login();
    return core::fail(ErrorCode::unavailable, "the server offers neither AUTH PLAIN nor LOGIN");
}

Failure Conversation::auth_plain() {
    const auto token = smtp::base64(std::string(1, '\0') + settings_.username +
                                    std::string(1, '\0') + settings_.password);
    auto reply = ask("AUTH PLAIN " + token, 2, "AUTH PLAIN");
    return reply.ok() ? std::nullopt : Failure(reply.error());
}

Failure Conversation::auth_login() {
    if (auto reply = ask("AUTH LOGIN", 3, "AUTH LOGIN"); !reply.ok()) return reply.error();
    if (auto reply = ask(smtp::base64(settings_.username), 3, "AUTH LOGIN user"); !reply.ok()) {
        return reply.error();
    }
    auto reply = ask(smtp::base64(settings_.password), 2, "AUTH LOGIN");
    return reply.ok() ? std::nullopt : Failure(reply.error());
}

// "<random>@<the sender's domain>": unique without knowing our own host name.
std::string make_message_id(const std::string& from_address) {
    return services::random_token("", 18) + from_address.substr(from_address.find('@'));
}

Failure Conversation::transfer(const services::Email& email) {
    const bool eight_bit = capabilities_.extension("8BITMIME").has_value();
    const auto encoding = smtp::choose_body_encoding(email.text, eight_bit);
    const auto from = smtp::parse_mailbox(email.from)->address;
    const auto to = smtp::parse_mailbox(email.to)->address;
    const std::string body_parameter =
        encoding == smtp::BodyEncoding::eight_bit ? " BODY=8BITMIME" : "";
    if (auto reply = ask("MAIL FROM:<" + from + ">" + body_parameter, 2, "MAIL FROM");
        !reply.ok()) {
        return reply.error();
    }
    if (auto reply = ask("RCPT TO:<" + to + ">", 2, "RCPT TO"); !reply.ok()) return reply.error();
    if (auto reply = ask("DATA", 3, "DATA"); !reply.ok()) return reply.error();
    const smtp::MessageParts parts{std::chrono::system_clock::now(), make_message_id(from),
                                   encoding};
    if (auto failure = session_.write(smtp::dot_stuff(smtp::format_message(email, parts)))) {
        return failure;
    }
    auto accepted = expect("the message", 2);
    return accepted.ok() ? std::nullopt : Failure(accepted.error());
}

// Polite but optional: after a delivery or a refusal, QUIT's own fate does not matter.
void Conversation::quit() {
    if (!session_.write("QUIT\r\n")) (void)session_.read_reply();
}

}  // namespace

std::optional<SmtpTls> parse_smtp_tls(std::string_view text) {
    if (text == "none") return SmtpTls::none;
    if (text == "starttls") return SmtpTls::starttls;
    if (text == "tls") return SmtpTls::tls;
    return std::nullopt;
}

SmtpClient::SmtpClient(SmtpSettings settings) : settings_(std::move(settings)) {}

core::Result<core::Done> SmtpClient::send(const services::Email& email) {
    if (auto problem = smtp::email_problem(email)) {
        return core::fail(ErrorCode::validation_failed, *problem);
    }
    if (settings_.host.empty()) return core::fail(ErrorCode::unavailable, "no SMTP host is set");
    Session session(settings_);
    Conversation conversation(session, settings_);
    Failure failure = conversation.open();
    if (!failure) failure = conversation.authenticate();
    if (!failure) failure = conversation.transfer(email);
    if (session.healthy()) conversation.quit();
    session.close();
    if (!failure) return core::Done{};
    const auto where = "SMTP " + settings_.host + ":" + std::to_string(settings_.port) + ": ";
    return core::fail(failure->code, where + failure->message);
}

}  // namespace juttu::net
