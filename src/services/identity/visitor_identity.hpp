// A visitor's identity as a hello gives it, checked against its site: the signature
// (identity_verifier) and the claims' name and e-mail, which must be what a contact may
// hold. Nothing is written here.
#pragma once

#include "core/result.hpp"
#include "core/types.hpp"
#include "services/identity/identity_verifier.hpp"

namespace juttu::services::identity {

// bad_identity for a forged, expired or malformed identity, or for claims a contact may
// not hold; the site's own secrets only, so that another site's never verify.
core::Result<VerifiedIdentity> check_for_site(const core::Site& site, const IdentityClaim& claim,
                                              core::TimeMs now);

// Puts the identity's signed name and e-mail on the contact; true when it changed.
bool apply_claims(core::Contact& contact, const VerifiedIdentity& identity);

}  // namespace juttu::services::identity
