module github.com/eko-digilocker/eko-digilocker/generated/go

go 1.23

require (
)
