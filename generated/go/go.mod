module github.com/eko-digilocker/eko-digilocker/generated/go/v3

go 1.19

require (
)
