// Which address a request comes from. Behind a reverse proxy every peer is the proxy,
// so X-Forwarded-For is believed only when the peer is one of the configured trusted
// proxies, and then only its right-most entry that is not itself a trusted proxy (the
// entries to its left were written by the client and prove nothing).
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace juttu::net {

// The net layer sets this header on every request it hands on, removing any copy the
// client sent: the handlers read the client's address from it.
inline constexpr std::string_view client_address_header = "X-Juttu-Client-Address";

class TrustedProxies {
public:
    TrustedProxies() = default;
    // Addresses ("10.0.0.5", "::1") and networks ("10.0.0.0/8", "fd00::/8"); throws
    // std::invalid_argument naming the first entry that is neither.
    explicit TrustedProxies(const std::vector<std::string>& entries);

    bool trusts(const boost::asio::ip::address& address) const;
    // The client's address: the peer's, or the forwarded one when the peer is trusted.
    std::string client_address(const boost::asio::ip::address& peer,
                               std::string_view forwarded_for) const;
    bool empty() const { return v4_.empty() && v6_.empty(); }

private:
    std::vector<boost::asio::ip::network_v4> v4_;
    std::vector<boost::asio::ip::network_v6> v6_;
};

// The key a client's limits are counted by: an IPv4 address as it is, an IPv6 address
// by its /64 (one host usually has a whole /64 to pick addresses from).
std::string limit_key(std::string_view address);

}  // namespace juttu::net
