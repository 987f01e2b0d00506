module github.com/eko-digilocker/eko-digilocker/generated/go/v2

go 1.19

require (
)
