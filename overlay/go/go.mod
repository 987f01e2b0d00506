module github.com/eko-digilocker/eko-digilocker/overlay/go/v3

go 1.19

require github.com/eko-digilocker/eko-digilocker/generated/go/v3 v3.0.0

// Inside this repository the overlay builds on the generated client beside it. A module
// that depends on this one ignores the replace and takes generated/go at the version
// above (both are tagged together: generated/go/vX.Y.Z and overlay/go/vX.Y.Z).
replace github.com/eko-digilocker/eko-digilocker/generated/go/v3 => ../../generated/go
