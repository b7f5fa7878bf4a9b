print("persimmon")
