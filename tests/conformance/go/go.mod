module github.com/eko-digilocker/eko-digilocker/tests/conformance/go

go 1.19

require (
	github.com/eko-digilocker/eko-digilocker/generated/go/v3 v3.0.0
	github.com/eko-digilocker/eko-digilocker/overlay/go/v3 v3.0.0
)

replace (
	github.com/eko-digilocker/eko-digilocker/generated/go/v3 => ../../../generated/go
	github.com/eko-digilocker/eko-digilocker/overlay/go/v3 => ../../../overlay/go
)
