import Testing
@testable import MedForgeTensor
