import CNcurses
import PilothouseCore
