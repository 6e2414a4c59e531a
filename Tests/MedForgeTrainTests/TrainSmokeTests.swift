import Testing
@testable import MedForgeTrain
