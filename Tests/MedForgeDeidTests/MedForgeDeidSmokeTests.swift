import Testing
@testable import MedForgeDeid
