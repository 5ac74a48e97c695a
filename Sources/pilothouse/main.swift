print("pilothouse")
