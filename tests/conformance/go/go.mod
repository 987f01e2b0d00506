module github.com/eko-digilocker/eko-digilocker/tests/conformance/go

go 1.19

require (
	github.com/eko-digilocker/eko-digilocker/generated/go/v2 v2.0.0
	github.com/eko-digilocker/eko-digilocker/overlay/go/v2 v2.0.0
)

replace (
	github.com/eko-digilocker/eko-digilocker/generated/go/v2 => ../../../generated/go
	github.com/eko-digilocker/eko-digilocker/overlay/go/v2 => ../../../overlay/go
)
