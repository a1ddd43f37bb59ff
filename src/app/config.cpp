#include "app/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "net/client_address.hpp"
#include "net/smtp_client.hpp"
#include "net/smtp_message.hpp"

namespace juttu::app {

namespace {

std::size_t parse_count(const std::string& name, const std::string& text, std::size_t max) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value > max) {
        throw std::invalid_argument(name + " must be a whole number up to " + std::to_string(max));
    }
    return value;
}

std::optional<std::string> toml_value(const toml::table& table, const std::string& key) {
    auto node = table.at_path(key);
    if (!node) return std::nullopt;
    if (auto text = node.value<std::string>()) return *text;
    // Only of an integer: toml++ 3.3.0 turns a float into one by a cast before it checks the
    // range, undefined behaviour for 1e32 (found by fuzz/config_fuzzer.cpp).
    if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
    throw std::invalid_argument("config key '" + key + "' must be a string or an integer");
}

using Values = std::map<std::string, std::string>;

const std::string* find_value(const Values& values, const char* name) {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
}

// Outgoing e-mail is off without a host; with one, it must be able to say who sends.
SmtpConfig resolve_smtp(const Values& values) {
    SmtpConfig smtp;
    if (auto v = find_value(values, "smtp-tls")) {
        if (!net::parse_smtp_tls(*v)) {
            throw std::invalid_argument("smtp-tls must be starttls, tls or none, got '" + *v + "'");
        }
        smtp.tls = *v;
    }
    if (smtp.tls == "tls") smtp.port = 465;  // implicit TLS has its own port (RFC 8314)
    if (auto v = find_value(values, "smtp-port")) {
        smtp.port = static_cast<std::uint16_t>(parse_count("smtp-port", *v, 65535));
        if (smtp.port == 0) throw std::invalid_argument("smtp-port must be 1-65535");
    }
    if (auto v = find_value(values, "smtp-host")) smtp.host = *v;
    if (auto v = find_value(values, "smtp-username")) smtp.username = *v;
    if (auto v = find_value(values, "smtp-password")) smtp.password = *v;
    if (auto v = find_value(values, "smtp-ca-file")) smtp.ca_file = *v;
    if (auto v = find_value(values, "smtp-from")) smtp.from = *v;
    if (auto v = find_value(values, "smtp-timeout")) {
        smtp.timeout = std::chrono::seconds(parse_count("smtp-timeout", *v, 3600));
        if (smtp.timeout.count() < 1) throw std::invalid_argument("smtp-timeout must be 1-3600");
    }
    // A line break would let the value write headers of its own.
    if (!smtp.from.empty() &&
        (net::smtp::has_line_break(smtp.from) || !net::smtp::parse_mailbox(smtp.from))) {
        throw std::invalid_argument(
            "smtp-from must be one e-mail address, as in \"Shop <support@shop.example>\"");
    }
    if (!smtp.host.empty() && smtp.from.empty()) {
        throw std::invalid_argument("smtp-from is required with smtp-host");
    }
    return smtp;
}

// Where toml++ 3.3.0 (Debian 12's) would meet undefined behaviour: its test of whether a
// character is whitespace ends in __builtin_unreachable for most non-ASCII characters
// (found by fuzz/config_fuzzer.cpp; upstream issues #190 and #295). It asks that outside
// strings and comments, where TOML allows no non-ASCII character anyway; after a backslash
// in a basic string; and while it reads a bare value (a number, a date) on to the next
// space, comma, bracket or '#', quotes and all (past a space after a date). The offset of
// the first non-ASCII byte in such a place. Stricter than TOML only for a non-ASCII quoted
// key after a bare one in a table header or an inline table, which no key of ours is.
std::optional<std::size_t> unsafe_for_toml(std::string_view text) {
    const auto non_ascii = [&](std::size_t at) {
        return at < text.size() && static_cast<unsigned char>(text[at]) >= 0x80;
    };
    const auto is_one_of = [](char c, std::string_view set) {
        return set.find(c) != std::string_view::npos;
    };
    const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a byte order mark
    bool value_next = false;  // after '=', '[', '{' or ','
    bool bare = false;        // in a bare value, which ends at a space, ']', '}', ',' or '#'
    std::size_t i = start;
    while (i < text.size()) {
        const char c = text[i];
        if (bare && c == ' ' && i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
            // A date, a space and a digit may be a date-time: toml++ reads on, and takes the
            // character after the digit whatever it is.
            i += 2;
            if (non_ascii(i)) return i;
            if (i < text.size()) ++i;
            continue;
        }
        if (bare && !is_one_of(c, " \t\r\n]},#")) {
            if (non_ascii(i)) return i;
            ++i;
            continue;
        }
        bare = false;
        const bool opens = i == start || is_one_of(text[i - 1], " \t\r\n=[{,.");
        if (c == '#') {  // a comment, to the end of the line
            i = text.find('\n', i);
            if (i == std::string_view::npos) break;
        } else if (is_one_of(c, " \t\r\n")) {
            ++i;
        } else if ((c == '"' || c == '\'') && opens) {
            value_next = false;
            const std::string_view quotes = c == '"' ? "\"\"\"" : "'''";
            const bool multi_line = text.substr(i, 3) == quotes;
            i += multi_line ? 3 : 1;
            while (i < text.size()) {
                if (text[i] == c) {
                    // A run of 3 to 5 closes a multi-line string (a longer one is an error).
                    std::size_t run = 1;
                    while (multi_line && i + run < text.size() && text[i + run] == c) ++run;
                    i += run;
                    if (!multi_line || run >= 3) break;
                } else if (text[i] == '\n' && !multi_line) {
                    break;  // an unterminated string: toml++ stops there
                } else if (text[i] == '\\' && c == '"') {
                    std::size_t next = i + 1;
                    const bool spaces = next < text.size() && is_one_of(text[next], " \t\r\n");
                    if (spaces) {
                        next = std::min(text.find_first_not_of(" \t\r\n", next), text.size());
                    }
                    if (non_ascii(next)) return next;
                    i = spaces ? next : next + 1;
                } else {
                    ++i;
                }
            }
        } else if (non_ascii(i)) {
            return i;
        } else {
            bare = value_next && !is_one_of(c, "=[{,");
            value_next = is_one_of(c, "=[{,");
            ++i;
        }
    }
    return std::nullopt;
}

// `text` with its control characters escaped (found by fuzz/config_fuzzer.cpp).
std::string one_line(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (byte < 0x20 || byte == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out;
}

// The whole file (also a pipe, as from `--config <(...)`); throws std::invalid_argument.
std::string read_config_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    int error = errno;
    try {
        if (in) return std::string(std::istreambuf_iterator<char>(in), {});
    } catch (const std::ios_base::failure&) {  // a read error, as from a directory
        error = errno;
    }
    throw std::invalid_argument("cannot read config file " + path + ": " +
                                (error != 0 ? std::strerror(error) : "cannot be read"));
}

// MIME types as "type/subtype"; no executable type can be allowed (core/file_type.hpp
// never lets one through anyway).
std::vector<std::string> check_upload_types(std::vector<std::string> types) {
    for (const auto& type : types) {
        const auto slash = type.find('/');
        const bool shaped = slash != std::string::npos && slash > 0 && slash + 1 < type.size() &&
                            std::all_of(type.begin(), type.end(), [](char c) {
                                return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                                       std::string_view("/.+-").find(c) != std::string_view::npos;
                            });
        if (!shaped) {
            throw std::invalid_argument("upload-types must be MIME types such as image/png, got '" +
                                        type + "'");
        }
    }
    return types;
}

// A token for "Authorization: Bearer" (RFC 6750's b64token), long enough not to be guessed.
const std::string& check_metrics_token(const std::string& token) {
    const bool token_chars = std::all_of(token.begin(), token.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("-._~+/=").find(c) != std::string_view::npos;
    });
    if (token.size() < 16 || token.size() > 256 || !token_chars) {
        throw std::invalid_argument(
            "metrics-token must be 16-256 characters of A-Z, a-z, 0-9 and -._~+/=");
    }
    return token;
}

// "login_per_address" -> "limit-login-per-address", "JUTTU_LIMIT_LOGIN_PER_ADDRESS",
// "limits.login_per_address": the rate limits' keys, made once from their names.
std::string limit_flag(std::string_view name) {
    std::string flag = "limit-" + std::string(name);
    std::replace(flag.begin(), flag.end(), '_', '-');
    return flag;
}

void add_limit_keys(std::vector<ConfigKey>& keys) {
    static std::deque<std::string> names;  // stable storage for the keys' pointers
    auto add = [&](std::string name, const std::string& help) {
        const std::string flag = limit_flag(name);
        std::string env = "JUTTU_LIMIT_" + name;
        std::transform(env.begin(), env.end(), env.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        keys.push_back({names.emplace_back(flag).c_str(), names.emplace_back(env).c_str(),
                        names.emplace_back("limits." + name).c_str(),
                        names.emplace_back(help).c_str()});
    };
    for (std::size_t i = 0; i < services::limit_kinds; ++i) {
        const auto& limit = services::info(static_cast<services::LimitKind>(i));
        add(limit.name, std::string("BURST/SECONDS of ") + limit.what + ", 0 for none (default " +
                            core::to_string(limit.default_rate) + ")");
    }
    add("sockets_per_contact", "open sockets of one visitor, 0 for no limit (default 20)");
}

services::RateLimits resolve_limits(const Values& values) {
    auto limits = services::RateLimits::defaults();
    for (std::size_t i = 0; i < services::limit_kinds; ++i) {
        const auto kind = static_cast<services::LimitKind>(i);
        const std::string flag = limit_flag(services::info(kind).name);
        if (auto v = find_value(values, flag.c_str())) {
            auto rate = core::parse_rate_limit(*v);
            if (!rate) {
                throw std::invalid_argument(
                    flag + " must be BURST/SECONDS (as in 10/60) or 0, got '" + *v + "'");
            }
            limits[kind] = *rate;
        }
    }
    if (auto v = find_value(values, "limit-sockets-per-contact")) {
        limits.sockets_per_contact = parse_count("limit-sockets-per-contact", *v, 100'000);
    }
    return limits;
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        auto item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) items.push_back(std::move(item));
        start = comma + 1;
    }
    return items;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
    static const std::vector<ConfigKey> keys = [] {
        std::vector<ConfigKey> list{
            {"listen", "JUTTU_LISTEN", "server.listen",
             "HOST:PORT to listen on (default 127.0.0.1:8080)"},
            {"data-dir", "JUTTU_DATA_DIR", "server.data_dir",
             "directory of the SQLite database (default ./data)"},
            {"public-url", "JUTTU_PUBLIC_URL", "server.public_url",
             "URL the widget is served from (default http://LISTEN)"},
            {"web-root", "JUTTU_WEB_ROOT", "server.web_root", "directory of the web assets"},
            {"threads", "JUTTU_THREADS", "server.threads",
             "event-loop threads (default: one per core but one, at least one)"},
            {"workers", "JUTTU_WORKERS", "server.workers",
             "blocking worker threads (default: 16 per core)"},
            {"ws-idle-timeout", "JUTTU_WS_IDLE_TIMEOUT", "server.ws_idle_timeout",
             "seconds before a silent WebSocket closes; pinged after half (default 30)"},
            {"metrics-token", "JUTTU_METRICS_TOKEN", "server.metrics_token",
             "bearer token that GET /metrics requires (default: none, /metrics is public)"},
            {"metrics-listen", "JUTTU_METRICS_LISTEN", "server.metrics_listen",
             "HOST:PORT serving /metrics alone, off the main listener (default: none)"},
            {"agent-offline-grace", "JUTTU_AGENT_OFFLINE_GRACE", "routing.agent_offline_grace",
             "seconds without a connection before an agent is offline (default 60)"},
            {"visitor-leave-grace", "JUTTU_VISITOR_LEAVE_GRACE", "routing.visitor_leave_grace",
             "seconds a visitor may be gone before an unanswered chat is missed (default 120)"},
            {"commit-delay", "JUTTU_COMMIT_DELAY", "store.commit_delay",
             "milliseconds a busy store waits to commit more writes together, 0-50 (default 2)"},
            {"argon2-concurrency", "JUTTU_ARGON2_CONCURRENCY", "auth.argon2_concurrency",
             "password hashes (19 MiB each) computed at once, 1-256 (default: one per core)"},
            {"argon2-queue", "JUTTU_ARGON2_QUEUE", "auth.argon2_queue",
             "logins waiting for a hash before more get 503 (default: 8 per concurrent hash)"},
            {"session-check-interval", "JUTTU_SESSION_CHECK_INTERVAL",
             "auth.session_check_interval",
             "seconds between checks that connected agents' sessions still exist (default 2)"},
            {"smtp-host", "JUTTU_SMTP_HOST", "smtp.host",
             "SMTP relay for outgoing e-mail (default: none, no e-mail)"},
            {"smtp-port", "JUTTU_SMTP_PORT", "smtp.port",
             "SMTP relay port (default 587, or 465 with smtp-tls tls)"},
            {"smtp-username", "JUTTU_SMTP_USERNAME", "smtp.username",
             "SMTP user name (default: none, no AUTH)"},
            {"smtp-password", "JUTTU_SMTP_PASSWORD", "smtp.password", "SMTP password"},
            {"smtp-tls", "JUTTU_SMTP_TLS", "smtp.tls", "starttls, tls or none (default starttls)"},
            {"workspace-creation", "JUTTU_WORKSPACE_CREATION", "server.workspace_creation",
             "who creates workspaces: admins (any workspace's, in the console) or operator "
             "(juttu admin only) (default admins)"},
            {"smtp-ca-file", "JUTTU_SMTP_CA_FILE", "smtp.ca_file",
             "PEM file of the CAs to trust for the relay (default: the system's)"},
            {"smtp-from", "JUTTU_SMTP_FROM", "smtp.from",
             "sender of e-mail, \"Shop <support@shop.example>\" (required with smtp-host)"},
            {"smtp-timeout", "JUTTU_SMTP_TIMEOUT", "smtp.timeout",
             "seconds for each step of sending e-mail (default 30)"},
            {"log-level", "JUTTU_LOG_LEVEL", "log.level",
             "trace, debug, info, warn, error (default info)"},
            {"trusted-proxies", "JUTTU_TRUSTED_PROXIES", "server.trusted_proxies",
             "addresses or networks of reverse proxies whose X-Forwarded-For is believed, "
             "comma-separated (default: none)"},
            {"max-upload-bytes", "JUTTU_MAX_UPLOAD_BYTES", "files.max_upload_bytes",
             "largest file a visitor or agent may upload, in bytes (default 20971520, 20 MB)"},
            {"max-attachments", "JUTTU_MAX_ATTACHMENTS", "files.max_attachments",
             "files one message may carry, 0-100 (default 10)"},
            {"upload-types", "JUTTU_UPLOAD_TYPES", "files.upload_types",
             "MIME types that may be uploaded, comma-separated, checked on the bytes "
             "(default: images, PDF, text, office documents, zip, audio and video)"},
        };
        add_limit_keys(list);
        return list;
    }();
    return keys;
}

net::SmtpSettings smtp_settings(const SmtpConfig& smtp) {
    net::SmtpSettings settings;
    settings.host = smtp.host;
    settings.port = smtp.port;
    settings.username = smtp.username;
    settings.password = smtp.password;
    settings.tls = net::parse_smtp_tls(smtp.tls).value_or(net::SmtpTls::starttls);
    settings.ca_file = smtp.ca_file;
    settings.timeout = smtp.timeout;
    return settings;
}

std::pair<std::string, std::uint16_t> split_listen(const std::string& listen) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        throw std::invalid_argument("listen address must be HOST:PORT, got '" + listen + "'");
    }
    auto port = parse_count("listen port", listen.substr(colon + 1), 65535);
    return {listen.substr(0, colon), static_cast<std::uint16_t>(port)};
}

Config resolve_config(const FlagValues& flags, const std::optional<std::string>& config_file) {
    std::optional<std::string> path = config_file;
    if (!path) {
        if (const char* env = std::getenv("JUTTU_CONFIG")) path = env;
    }
    if (!path) return resolve_config_text(flags, "");
    return resolve_config_text(flags, read_config_file(*path), *path);
}

namespace {

Config read_config(const FlagValues& flags, std::string_view toml_text, const std::string& source) {
    if (auto at = unsafe_for_toml(toml_text)) {
        const auto line = std::count(toml_text.begin(), toml_text.begin() + *at, '\n') + 1;
        throw std::invalid_argument("cannot read config file " + source + ": line " +
                                    std::to_string(line) +
                                    ": non-ASCII text outside a string or a comment");
    }
    toml::table file;
    try {
        file = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        throw std::invalid_argument("cannot read config file " + source + ": line " +
                                    std::to_string(e.source().begin.line) + ": " +
                                    std::string(e.description()));
    }
    std::map<std::string, std::string> values;
    for (const auto& key : config_keys()) {
        if (auto flag = flags.find(key.flag); flag != flags.end()) {
            values[key.flag] = flag->second;
        } else if (const char* env = std::getenv(key.env); env != nullptr && *env != '\0') {
            values[key.flag] = env;
        } else if (auto from_file = toml_value(file, key.toml)) {
            values[key.flag] = *from_file;
        }
    }
    Config config;
    auto take = [&](const char* name) -> const std::string* {
        auto it = values.find(name);
        return it == values.end() ? nullptr : &it->second;
    };
    if (auto v = take("listen")) config.listen = *v;
    split_listen(config.listen);  // validates
    if (auto v = take("data-dir")) config.data_dir = *v;
    if (auto v = take("public-url")) config.public_url = *v;
    if (auto v = take("web-root")) config.web_root = *v;
    if (auto v = take("threads")) config.threads = parse_count("threads", *v, 256);
    if (auto v = take("workers")) config.workers = parse_count("workers", *v, 1024);
    if (auto v = take("ws-idle-timeout")) {
        config.ws_idle_timeout = std::chrono::seconds(parse_count("ws-idle-timeout", *v, 86400));
        if (config.ws_idle_timeout.count() < 2) {
            throw std::invalid_argument("ws-idle-timeout must be at least 2 seconds");
        }
    }
    if (auto v = take("metrics-token")) config.metrics_token = check_metrics_token(*v);
    if (auto v = take("metrics-listen")) {
        split_listen(*v);  // validates
        config.metrics_listen = *v;
    }
    if (auto v = take("agent-offline-grace")) {
        config.agent_offline_grace =
            std::chrono::seconds(parse_count("agent-offline-grace", *v, 86400));
    }
    if (auto v = take("visitor-leave-grace")) {
        config.visitor_leave_grace =
            std::chrono::seconds(parse_count("visitor-leave-grace", *v, 86400));
    }
    if (auto v = take("commit-delay")) {
        config.commit_delay = std::chrono::milliseconds(parse_count("commit-delay", *v, 50));
    }
    if (auto v = take("argon2-concurrency")) {
        config.argon2_concurrency = parse_count("argon2-concurrency", *v, 256);
        if (config.argon2_concurrency == 0) {
            throw std::invalid_argument("argon2-concurrency must be 1-256");
        }
    }
    if (auto v = take("argon2-queue")) config.argon2_queue = parse_count("argon2-queue", *v, 4096);
    if (auto v = take("session-check-interval")) {
        config.session_check_interval =
            std::chrono::seconds(parse_count("session-check-interval", *v, 3600));
        if (config.session_check_interval.count() < 1) {
            throw std::invalid_argument("session-check-interval must be 1-3600 seconds");
        }
    }
    config.smtp = resolve_smtp(values);
    if (auto v = take("log-level")) config.log_level = *v;
    config.limits = resolve_limits(values);
    if (auto v = take("trusted-proxies")) {
        config.trusted_proxies = split_list(*v);
        net::TrustedProxies{config.trusted_proxies};  // validates
    }
    if (auto v = take("max-upload-bytes")) {
        config.max_upload_bytes = parse_count("max-upload-bytes", *v, std::size_t{1} << 30);
        if (config.max_upload_bytes == 0) {
            throw std::invalid_argument("max-upload-bytes must be 1-1073741824");
        }
    }
    if (auto v = take("max-attachments")) {
        config.max_attachments = parse_count("max-attachments", *v, 100);
    }
    if (auto v = take("upload-types")) config.upload_types = check_upload_types(split_list(*v));
    if (auto v = take("workspace-creation")) {
        if (*v != "admins" && *v != "operator") {
            throw std::invalid_argument("workspace-creation must be admins or operator, got '" +
                                        *v + "'");
        }
        config.admins_create_workspaces = *v == "admins";
    }
    return config;
}

}  // namespace

Config resolve_config_text(const FlagValues& flags, std::string_view toml_text,
                           const std::string& source) {
    try {
        return read_config(flags, toml_text, source);
    } catch (const std::invalid_argument& e) {
        // A quoted value (a TOML string, the character toml++ saw) may hold a line break.
        throw std::invalid_argument(one_line(e.what()));
    }
}

}  // namespace juttu::app
