#include "net/client_address.hpp"

#include <stdexcept>

namespace juttu::net {

namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::optional<ip::address> parse_address(std::string_view text) {
    boost::system::error_code ec;
    auto address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    }
    return address;
}

}  // namespace

TrustedProxies::TrustedProxies(const std::vector<std::string>& entries) {
    for (const auto& entry : entries) {
        boost::system::error_code ec;
        if (entry.find('/') == std::string::npos) {
            auto address = parse_address(entry);
            if (!address) throw std::invalid_argument("trusted-proxies: not an address: " + entry);
            if (address->is_v4()) {
                v4_.emplace_back(address->to_v4(), 32);
            } else {
                v6_.emplace_back(address->to_v6(), 128);
            }
        } else if (auto v4 = ip::make_network_v4(entry, ec); !ec) {
            v4_.push_back(v4);
        } else if (auto v6 = ip::make_network_v6(entry, ec); !ec) {
            v6_.push_back(v6);
        } else {
            throw std::invalid_argument("trusted-proxies: not an address or network: " + entry);
        }
    }
}

bool TrustedProxies::trusts(const ip::address& given) const {
    auto address = given;
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = ip::make_address_v4(ip::v4_mapped, address.to_v6());
    }
    if (address.is_v4()) {
        for (const auto& network : v4_) {
            if (ip::network_v4(address.to_v4(), 32).is_subnet_of(network) ||
                network.address() == address.to_v4()) {
                return true;
            }
        }
        return false;
    }
    for (const auto& network : v6_) {
        if (ip::network_v6(address.to_v6(), 128).is_subnet_of(network) ||
            network.address() == address.to_v6()) {
            return true;
        }
    }
    return false;
}

std::string TrustedProxies::client_address(const ip::address& peer,
                                           std::string_view forwarded_for) const {
    auto client = peer;
    if (client.is_v6() && client.to_v6().is_v4_mapped()) {
        client = ip::make_address_v4(ip::v4_mapped, client.to_v6());
    }
    // Walk from the right: each hop we trust vouches for the one before it.
    while (trusts(client) && !forwarded_for.empty()) {
        const auto comma = forwarded_for.rfind(',');
        const auto entry =
            trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
        forwarded_for =
            comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
        auto hop = parse_address(entry);
        if (!hop) break;  // a malformed entry: the last trusted hop is the client we know
        client = *hop;
    }
    return client.to_string();
}

std::string limit_key(std::string_view address) {
    auto parsed = parse_address(address);
    if (!parsed || parsed->is_v4()) return std::string(address);
    auto bytes = parsed->to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace juttu::net
