module github.com/eko-digilocker/eko-digilocker/tests/conformance/go

go 1.19

require (
	github.com/eko-digilocker/eko-digilocker/generated/go v1.1.0
	github.com/eko-digilocker/eko-digilocker/overlay/go v1.1.0
)

replace (
	github.com/eko-digilocker/eko-digilocker/generated/go => ../../../generated/go
	github.com/eko-digilocker/eko-digilocker/overlay/go => ../../../overlay/go
)
