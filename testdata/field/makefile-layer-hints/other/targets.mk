build-OtherLayer:
	cp -r shared "$(ARTIFACTS_DIR)/python/"
