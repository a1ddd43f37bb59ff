// Sending e-mail through an SMTP relay (RFC 5321) with STARTTLS (RFC 3207) or implicit TLS
// (RFC 8314), AUTH PLAIN or LOGIN (RFC 4954), and 8BITMIME (RFC 6152).
//
// One connection per message: mail is rare here (replies to offline messages), so keeping
// a session open would only add reconnect logic for relays that drop idle clients.
//
// Threading: send() blocks the calling thread (a mail thread, never an event loop) on a
// private io_context; every step (resolve, connect, TLS handshake, each command and reply)
// has the whole `timeout` to complete, so send() cannot hang. Each call has its own
// connection and the settings are never written, so threads may call send() at once.
//
// Security: the server's certificate is always verified (the system's trust store, or
// `ca_file`) against `host`, and credentials are sent only over TLS unless tls is none.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "services/offline/mail_sender.hpp"

namespace juttu::net {

enum class SmtpTls {
    none,      // plain text all the way (a relay on localhost)
    starttls,  // plain connect, then STARTTLS before anything else; fails if not offered
    tls,       // TLS from the first byte (usually port 465)
};

// "none", "starttls", "tls" -> SmtpTls; nullopt for anything else.
std::optional<SmtpTls> parse_smtp_tls(std::string_view text);

struct SmtpSettings {
    std::string host;
    std::uint16_t port = 587;
    std::string username;  // empty: no AUTH
    std::string password;
    SmtpTls tls = SmtpTls::starttls;
    std::filesystem::path ca_file;  // empty: the system's trust store
    std::chrono::milliseconds timeout{30'000};
};

class SmtpClient final : public services::MailSender {
public:
    explicit SmtpClient(SmtpSettings settings);

    // Delivers `email` to the relay. The message of an error names the step and quotes
    // the server's reply, e.g. "RCPT TO refused: 550 5.1.1 no such user".
    // unavailable: no connection, timeout, TLS failure, 4xx, a relay lacking STARTTLS or
    // AUTH; validation_failed: a bad address or header, 5xx.
    core::Result<core::Done> send(const services::Email& email) override;

private:
    SmtpSettings settings_;
};

}  // namespace juttu::net
