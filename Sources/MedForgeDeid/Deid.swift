// De-identification module: see issue 3. Imports nothing above Foundation.
import Foundation
