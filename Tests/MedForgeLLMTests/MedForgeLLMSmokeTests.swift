import Testing
@testable import MedForgeLLM
