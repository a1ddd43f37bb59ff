// Configuration of `juttu serve`: flags, then JUTTU_* environment variables, then an
// optional TOML file (--config or JUTTU_CONFIG), then defaults — first found wins.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/limits/rate_limiter.hpp"

namespace juttu::net {
struct SmtpSettings;
}

namespace juttu::app {

// Outgoing e-mail (replies to offline messages). An empty host turns e-mail off.
struct SmtpConfig {
    std::string host;
    std::uint16_t port = 587;
    std::string username;  // empty: no AUTH
    std::string password;
    std::string tls = "starttls";   // "starttls", "tls" (implicit, port 465) or "none"
    std::filesystem::path ca_file;  // empty: the system's trust store
    std::string from;               // "Shop <support@shop.example>"; required with a host
    std::chrono::seconds timeout{30};
};

struct Config {
    std::string listen = "127.0.0.1:8080";
    std::filesystem::path data_dir = "data";
    std::string public_url;          // empty: http://LISTEN
    std::filesystem::path web_root;  // empty: found next to the binary
    std::size_t threads = 0;         // 0: hardware threads
    std::size_t workers = 0;         // blocking pool; 0: 16 per hardware thread
    // A silent peer is pinged after half of it and dropped at its end (docs/security.md).
    std::chrono::seconds ws_idle_timeout{30};
    std::string metrics_token;   // empty: /metrics answers anyone
    std::string metrics_listen;  // HOST:PORT of /metrics alone; empty: on `listen`
    std::chrono::seconds agent_offline_grace{60};
    // A visitor gone this long before any answer makes a missed chat.
    std::chrono::seconds visitor_leave_grace{120};
    // How long a busy store waits to commit more writes in one transaction.
    std::chrono::milliseconds commit_delay{2};
    // argon2 computations at once (0: one per core) and logins waiting for a turn (nullopt:
    // eight per computation); a login past both answers 503 at once.
    std::size_t argon2_concurrency = 0;
    std::optional<std::size_t> argon2_queue;
    // How often the sessions of connected agents are checked against the store.
    std::chrono::seconds session_check_interval{2};
    SmtpConfig smtp;
    std::string log_level = "info";
    // Rate limits (docs/security.md), and the proxies whose X-Forwarded-For is believed.
    services::RateLimits limits = services::RateLimits::defaults();
    std::vector<std::string> trusted_proxies;
    // Attachments (docs/security.md, "Attachments"). Empty upload_types: the defaults.
    std::size_t max_upload_bytes = 20 * 1024 * 1024;
    std::size_t max_attachments = 10;
    std::vector<std::string> upload_types;
    // Who creates workspaces: any workspace's admins (in the console and the API), or the
    // server's operator alone (`juttu admin workspace create`), as a host of other
    // companies' shops would want.
    bool admins_create_workspaces = true;
};

// Values given on the command line, by option name ("listen", "data-dir", ...).
using FlagValues = std::map<std::string, std::string>;

// Throws std::invalid_argument with a one-line message for a bad value or file.
Config resolve_config(const FlagValues& flags, const std::optional<std::string>& config_file);
// The same with the TOML file's text given; `source` names it in errors.
Config resolve_config_text(const FlagValues& flags, std::string_view toml_text,
                           const std::string& source = "config");

// The SMTP client's settings (net/smtp_client.hpp) for a resolved SmtpConfig.
net::SmtpSettings smtp_settings(const SmtpConfig& smtp);

// "127.0.0.1:8080" -> host and port; throws std::invalid_argument.
std::pair<std::string, std::uint16_t> split_listen(const std::string& listen);

// The options `serve` reads, with their environment variable and TOML key.
struct ConfigKey {
    const char* flag;
    const char* env;
    const char* toml;
    const char* help;
};
const std::vector<ConfigKey>& config_keys();

}  // namespace juttu::app
