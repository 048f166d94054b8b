//go:build !crashtest

package main

func testCrash() {}
