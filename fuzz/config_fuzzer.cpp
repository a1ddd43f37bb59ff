// The TOML configuration: a file's text through resolve_config_text, as `juttu serve`
// reads `--config FILE` (without flags or JUTTU_* variables). Any text either resolves
// to a Config whose every value is within its documented range, or is refused with one
// std::invalid_argument of one line; anything else (another exception, a crash, UB)
// aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "app/config.hpp"
#include "fuzz_check.hpp"
#include "net/smtp_client.hpp"
#include "net/smtp_message.hpp"

namespace app = juttu::app;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // Only the file's text decides.
    for (const auto& key : app::config_keys()) unsetenv(key.env);
    unsetenv("JUTTU_CONFIG");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    app::Config config;
    try {
        config = app::resolve_config_text({}, text, "juttu.toml");
    } catch (const std::invalid_argument& e) {
        const std::string_view message = e.what();
        FUZZ_CHECK(!message.empty());
        if (message.find('\n') != std::string_view::npos) {
            std::fprintf(stderr, "a refusal of more than one line:\n%s\n", e.what());
        }
        FUZZ_CHECK(message.find('\n') == std::string_view::npos);
        return 0;
    }
    const auto [host, port] = app::split_listen(config.listen);
    FUZZ_CHECK(!host.empty());
    FUZZ_CHECK(config.threads <= 256 && config.workers <= 1024);
    FUZZ_CHECK(config.ws_idle_timeout.count() >= 2 && config.ws_idle_timeout.count() <= 86400);
    FUZZ_CHECK(config.agent_offline_grace.count() >= 0);
    FUZZ_CHECK(config.agent_offline_grace.count() <= 86400);
    FUZZ_CHECK(config.visitor_leave_grace.count() >= 0);
    FUZZ_CHECK(config.visitor_leave_grace.count() <= 86400);
    FUZZ_CHECK(config.commit_delay.count() >= 0 && config.commit_delay.count() <= 50);
    const auto& smtp = config.smtp;
    FUZZ_CHECK(smtp.port != 0);
    FUZZ_CHECK(smtp.timeout.count() >= 1 && smtp.timeout.count() <= 3600);
    FUZZ_CHECK(juttu::net::parse_smtp_tls(smtp.tls).has_value());
    if (!smtp.host.empty()) FUZZ_CHECK(!smtp.from.empty());
    if (!smtp.from.empty()) {
        FUZZ_CHECK(!juttu::net::smtp::has_line_break(smtp.from));
        FUZZ_CHECK(juttu::net::smtp::parse_mailbox(smtp.from).has_value());
    }
    app::smtp_settings(smtp);
    return 0;
}
